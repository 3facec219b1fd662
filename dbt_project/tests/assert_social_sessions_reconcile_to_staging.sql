-- GA4 and Plausible: per (analytics source, day, property, platform), the sessions in
-- fct_social_traffic_daily equal the staged sessions (Plausible visits) whose source is in the
-- social_sources seed (plus, for platform 'other', the staged sessions with a social medium from
-- an unlisted source), and no day has more social sessions than the source reported in total.
with

ga4 as (

    select
        'ga4' as analytics_source,
        traffic_date,
        property_id as account_id,
        session_source,
        session_medium,
        sessions
    from {{ ref('stg_ga4__traffic_daily') }}

),

plausible as (

    select
        'plausible' as analytics_source,
        traffic_date,
        site_id as account_id,
        visit_source as session_source,
        utm_medium as session_medium,
        visits as sessions
    from {{ ref('stg_plausible__traffic_daily') }}

),

staged as (

    select * from ga4
    union all
    select * from plausible

),

social_sources as (

    select * from {{ ref('social_sources') }}

),

staged_social as (

    select
        staged.analytics_source,
        staged.traffic_date,
        staged.account_id,
        coalesce(social_sources.platform, 'other') as platform,
        sum(staged.sessions) as sessions
    from staged
    left join social_sources
        on lower(trim(staged.session_source)) = lower(social_sources.source)
    where
        social_sources.platform is not null
        or lower(staged.session_medium) in (
            'social', 'social-network', 'social-media', 'sm', 'social network', 'social media'
        )
    group by
        staged.analytics_source, staged.traffic_date, staged.account_id,
        coalesce(social_sources.platform, 'other')

),

staged_total as (

    select
        analytics_source,
        traffic_date,
        account_id,
        sum(sessions) as sessions
    from staged
    group by analytics_source, traffic_date, account_id

),

mart as (

    select
        analytics_source,
        traffic_date,
        account_id,
        platform,
        sum(sessions) as sessions
    from {{ ref('fct_social_traffic_daily') }}
    group by analytics_source, traffic_date, account_id, platform

),

platform_differences as (

    select
        coalesce(staged_social.analytics_source, mart.analytics_source) as analytics_source,
        coalesce(staged_social.traffic_date, mart.traffic_date) as traffic_date,
        coalesce(staged_social.account_id, mart.account_id) as account_id,
        coalesce(staged_social.platform, mart.platform) as platform,
        staged_social.sessions as staged_sessions,
        mart.sessions as mart_sessions
    from staged_social
    full outer join mart
        on
            staged_social.analytics_source = mart.analytics_source
            and staged_social.traffic_date = mart.traffic_date
            and staged_social.account_id = mart.account_id
            and staged_social.platform = mart.platform
    where coalesce(staged_social.sessions, 0) <> coalesce(mart.sessions, 0)

),

over_total as (

    select
        mart.analytics_source,
        mart.traffic_date,
        mart.account_id,
        'all social' as platform,
        staged_total.sessions as staged_sessions,
        sum(mart.sessions) as mart_sessions
    from mart
    left join staged_total
        on
            mart.analytics_source = staged_total.analytics_source
            and mart.traffic_date = staged_total.traffic_date
            and mart.account_id = staged_total.account_id
    group by mart.analytics_source, mart.traffic_date, mart.account_id, staged_total.sessions
    having sum(mart.sessions) > coalesce(staged_total.sessions, 0)

),

final as (

    select * from platform_differences
    union all
    select * from over_total

)

select * from final
