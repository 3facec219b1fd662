{#- One row per organization per day bucket. LinkedIn's day buckets are UTC days, so the day is
    the bucket's UTC date (timeRange, epoch milliseconds), whatever the account's timezone.
    Gains are net (follows minus unfollows) and may be negative. Latest extraction wins. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'linkedin'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('linkedin', 'follower_statistics') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        account_id,
        {{ dbt.safe_cast(json_text('record', ['timeRange', 'start']), dbt.type_bigint()) }} as period_start_ms,
        {{ dbt.safe_cast(json_text('record', ['timeRange', 'end']), dbt.type_bigint()) }} as period_end_ms,
        {{ dbt.safe_cast(json_text('record', ['followerGains', 'organicFollowerGain']), dbt.type_bigint()) }}
            as organic_follower_gain,
        {{ dbt.safe_cast(json_text('record', ['followerGains', 'paidFollowerGain']), dbt.type_bigint()) }}
            as paid_follower_gain,
        interval_start as batch_interval_start,
        extracted_at,
        record_index

    from source

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by account_id, period_start_ms
            order by extracted_at desc, record_index desc
        ) as row_rank

    from renamed

),

final as (

    select
        account_id,
        -- a bucket's day is the UTC date of its middle: the date of timeRange.start for LinkedIn's
        -- UTC-midnight buckets, and still the right day should a bucket start at a local midnight
        {{ to_local_date(dbt.dateadd('hour', 12, epoch_to_timestamp('period_start_ms', 'millisecond')), "'UTC'") }}
            as statistics_date,
        {{ epoch_to_timestamp('period_start_ms', 'millisecond') }} as period_start_at,
        {{ epoch_to_timestamp('period_end_ms', 'millisecond') }} as period_end_at,
        organic_follower_gain,
        paid_follower_gain,
        batch_interval_start,
        extracted_at

    from deduplicated
    where row_rank = 1

)

select * from final
