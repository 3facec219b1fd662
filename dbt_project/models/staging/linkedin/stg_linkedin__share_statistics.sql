{#- One row per organization per day bucket (a UTC day, see stg_linkedin__follower_statistics):
    the day's impressions, clicks, likes (reactions), comments and shares of organic posts.
    Latest extraction wins. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'linkedin'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('linkedin', 'share_statistics') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        account_id,
        {{ dbt.safe_cast(json_text('record', ['timeRange', 'start']), dbt.type_bigint()) }} as period_start_ms,
        {{ dbt.safe_cast(json_text('record', ['timeRange', 'end']), dbt.type_bigint()) }} as period_end_ms,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'impressionCount']), dbt.type_bigint()) }}
            as impressions,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'uniqueImpressionsCount']), dbt.type_bigint()) }}
            as unique_impressions,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'clickCount']), dbt.type_bigint()) }}
            as clicks,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'likeCount']), dbt.type_bigint()) }}
            as likes,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'commentCount']), dbt.type_bigint()) }}
            as comments,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'shareCount']), dbt.type_bigint()) }}
            as shares,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'engagement']), dbt.type_float()) }}
            as linkedin_engagement_rate,
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
        impressions,
        unique_impressions,
        clicks,
        likes,
        comments,
        shares,
        linkedin_engagement_rate,
        batch_interval_start,
        extracted_at

    from deduplicated
    where row_rank = 1

)

select * from final
