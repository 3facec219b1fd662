{#- Plausible conformed to the session contract of int_web_sessions_unioned: one row per site x
    day x visit source x utm medium x utm campaign.
    - sessions = visits (Plausible's sessions); engaged sessions and revenue are not reported (null);
    - key_events = goal completions (`events` of goals_daily) summed over every goal, GA4's key events;
    - Plausible's placeholders for untagged visits (`(none)` on the simulator, `(not set)` in the
      real API) become GA4's: campaign '(not set)', medium '(none)';
    - there is no landing page dimension (null). -#}
{%- set placeholders = "('(none)', '(not set)', '')" -%}
with

traffic as (

    select * from {{ ref('stg_plausible__traffic_daily') }}

),

goals as (

    select * from {{ ref('stg_plausible__goals_daily') }}

),

goal_totals as (

    select
        site_id,
        traffic_date,
        visit_source,
        utm_medium,
        utm_campaign,
        sum(goal_completions) as goal_completions

    from goals
    group by site_id, traffic_date, visit_source, utm_medium, utm_campaign

),

joined as (

    -- a goal row without a traffic row cannot happen in one query result, but the streams are
    -- landed separately: keep both sides
    select
        coalesce(traffic.site_id, goal_totals.site_id) as site_id,
        coalesce(traffic.traffic_date, goal_totals.traffic_date) as traffic_date,
        coalesce(traffic.visit_source, goal_totals.visit_source) as visit_source,
        coalesce(traffic.utm_medium, goal_totals.utm_medium) as utm_medium,
        coalesce(traffic.utm_campaign, goal_totals.utm_campaign) as utm_campaign,
        coalesce(traffic.visits, 0) as visits,
        coalesce(goal_totals.goal_completions, 0) as goal_completions

    from traffic
    full outer join goal_totals
        on
            traffic.site_id = goal_totals.site_id
            and traffic.traffic_date = goal_totals.traffic_date
            and traffic.visit_source = goal_totals.visit_source
            and traffic.utm_medium = goal_totals.utm_medium
            and traffic.utm_campaign = goal_totals.utm_campaign

),

final as (

    select
        'plausible' as analytics_source,
        site_id as account_id,
        traffic_date,
        visit_source as session_source,
        case
            when utm_medium is null or lower(utm_medium) in {{ placeholders }} then '(none)'
            else utm_medium
        end as session_medium,
        case
            when utm_campaign is null or lower(utm_campaign) in {{ placeholders }} then '(not set)'
            else utm_campaign
        end as campaign,
        cast(null as {{ dbt.type_string() }}) as landing_page,
        cast(visits as {{ dbt.type_bigint() }}) as sessions,
        cast(null as {{ dbt.type_bigint() }}) as engaged_sessions,
        cast(goal_completions as {{ dbt.type_numeric() }}) as key_events,
        cast(null as {{ dbt.type_numeric() }}) as revenue,
        -- Plausible counts converting visitors, not sessions: unknown here
        cast(null as {{ dbt.type_bigint() }}) as sessions_with_key_events

    from joined

)

select * from final
