{#- One row per GA4 report row: property x date x session source x medium x campaign x landing page.
    GA4's own `(not set)` is kept as it is: it is a real value in GA4's reports. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'ga4'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('ga4', 'traffic_daily') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        account_id as property_id,
        {{ yyyymmdd_to_date(json_text('record', ['date'])) }} as traffic_date,
        {{ json_text('record', ['sessionSource']) }} as session_source,
        {{ json_text('record', ['sessionMedium']) }} as session_medium,
        {{ json_text('record', ['sessionCampaignName']) }} as session_campaign_name,
        {{ json_text('record', ['landingPage']) }} as landing_page,
        {{ dbt.safe_cast(json_text('record', ['sessions']), dbt.type_bigint()) }} as sessions,
        {{ dbt.safe_cast(json_text('record', ['engagedSessions']), dbt.type_bigint()) }} as engaged_sessions,
        {{ dbt.safe_cast(json_text('record', ['keyEvents']), dbt.type_numeric()) }} as key_events,
        {{ dbt.safe_cast(json_text('record', ['totalRevenue']), dbt.type_numeric()) }} as revenue,
        {{ dbt.safe_cast(json_text('record', ['sessionKeyEventRate']), dbt.type_numeric()) }}
            as session_key_event_rate,
        extracted_at,
        record_index

    from source

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by
                property_id, traffic_date, session_source, session_medium,
                session_campaign_name, landing_page
            order by extracted_at desc, record_index desc
        ) as row_rank

    from renamed

),

final as (

    select
        property_id,
        traffic_date,
        session_source,
        session_medium,
        session_campaign_name,
        landing_page,
        sessions,
        engaged_sessions,
        key_events,
        revenue,
        session_key_event_rate,
        extracted_at

    from deduplicated
    where row_rank = 1

)

select * from final
