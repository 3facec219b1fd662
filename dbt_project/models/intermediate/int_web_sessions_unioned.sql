{#- Every web analytics source's sessions in one column contract (one row per source x
    account x day x session source x medium x campaign x landing page). Plausible plugs in
    as one more CTE and one more `union all`. -#}
with

ga4_traffic as (

    select * from {{ ref('stg_ga4__traffic_daily') }}

),

ga4 as (

    select
        'ga4' as analytics_source,
        property_id as account_id,
        traffic_date,
        session_source,
        session_medium,
        session_campaign_name as campaign,
        landing_page,
        sessions,
        engaged_sessions,
        key_events,
        revenue

    from ga4_traffic

),

final as (

    select * from ga4

)

select * from final
