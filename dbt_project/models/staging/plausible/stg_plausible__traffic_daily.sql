{#- One row per Plausible result row: site x day x visit source x utm medium x utm campaign.
    Keeps the stream's name (a report row), like stg_ga4__traffic_daily. Plausible's placeholders
    for untagged visits (`(none)` on the simulator, `(not set)` in the real API) are kept here and
    conformed in intermediate. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'plausible'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('plausible', 'traffic_daily') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        account_id as site_id,
        cast({{ json_text('record', ['time:day']) }} as date) as traffic_date,
        {{ json_text('record', ['visit:source']) }} as visit_source,
        {{ json_text('record', ['visit:utm_medium']) }} as utm_medium,
        {{ json_text('record', ['visit:utm_campaign']) }} as utm_campaign,
        {{ dbt.safe_cast(json_text('record', ['visitors']), dbt.type_bigint()) }} as visitors,
        {{ dbt.safe_cast(json_text('record', ['visits']), dbt.type_bigint()) }} as visits,
        {{ dbt.safe_cast(json_text('record', ['pageviews']), dbt.type_bigint()) }} as pageviews,
        {{ dbt.safe_cast(json_text('record', ['events']), dbt.type_bigint()) }} as events,
        extracted_at,
        record_index

    from source

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by site_id, traffic_date, visit_source, utm_medium, utm_campaign
            order by extracted_at desc, record_index desc
        ) as row_rank

    from renamed

),

final as (

    select
        site_id,
        traffic_date,
        visit_source,
        utm_medium,
        utm_campaign,
        visitors,
        visits,
        pageviews,
        events,
        extracted_at

    from deduplicated
    where row_rank = 1

)

select * from final
