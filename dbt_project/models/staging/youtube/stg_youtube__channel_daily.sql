{#- One row per channel per day of the Analytics `dimensions=day` report (`day` is the report's
    date). Keeps the stream's name, like stg_ga4__traffic_daily. Latest extraction wins. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'youtube'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('youtube', 'channel_daily') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        account_id,
        cast({{ json_text('record', ['day']) }} as date) as activity_date,
        {{ dbt.safe_cast(json_text('record', ['views']), dbt.type_bigint()) }} as views,
        {{ dbt.safe_cast(json_text('record', ['likes']), dbt.type_bigint()) }} as likes,
        {{ dbt.safe_cast(json_text('record', ['comments']), dbt.type_bigint()) }} as comments,
        {{ dbt.safe_cast(json_text('record', ['shares']), dbt.type_bigint()) }} as shares,
        {{ dbt.safe_cast(json_text('record', ['subscribersGained']), dbt.type_bigint()) }} as subscribers_gained,
        {{ dbt.safe_cast(json_text('record', ['subscribersLost']), dbt.type_bigint()) }} as subscribers_lost,
        {{ dbt.safe_cast(json_text('record', ['estimatedMinutesWatched']), dbt.type_numeric()) }}
            as estimated_minutes_watched,
        interval_start as batch_interval_start,
        extracted_at,
        record_index

    from source

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by account_id, activity_date
            order by extracted_at desc, record_index desc
        ) as row_rank

    from renamed

),

final as (

    select
        account_id,
        activity_date,
        views,
        likes,
        comments,
        shares,
        subscribers_gained,
        subscribers_lost,
        estimated_minutes_watched,
        batch_interval_start,
        extracted_at

    from deduplicated
    where row_rank = 1

)

select * from final
