{#- Every web analytics source's sessions in one column contract (one row per source x
    account x day x session source x medium x campaign x landing page). GA4's report rows map
    one to one (renamed here); Plausible is conformed in int_plausible__web_sessions_conformed. -#}
{%- set web_session_columns = [
    'analytics_source', 'account_id', 'traffic_date', 'session_source', 'session_medium', 'campaign',
    'landing_page', 'sessions', 'engaged_sessions', 'key_events', 'revenue', 'sessions_with_key_events',
] | join(', ') -%}
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
        revenue,
        -- GA4 reports the share of sessions with a key event; the count is that share of sessions
        cast(round(session_key_event_rate * sessions) as {{ dbt.type_bigint() }}) as sessions_with_key_events

    from ga4_traffic

),

plausible as (

    select {{ web_session_columns }}
    from {{ ref('int_plausible__web_sessions_conformed') }}

),

final as (

    select * from ga4
    union all
    select * from plausible

)

select * from final
