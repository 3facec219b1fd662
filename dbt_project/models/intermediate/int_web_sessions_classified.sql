{#- Web sessions classified as GA4's default channel grouping does for social traffic:
    - Paid Social: the source is a social source and the medium matches ^(.*cp.*|ppc|retargeting|paid.*)$;
    - Organic Social: the source is a social source, or the medium is a social medium.
    The platform comes from the social_sources seed; a social medium from an unlisted source
    is platform 'other'. Every other session is dropped. -#}
with

sessions as (

    select * from {{ ref('int_web_sessions_unioned') }}

),

social_sources as (

    select * from {{ ref('social_sources') }}

),

joined as (

    select
        sessions.*,
        social_sources.platform as source_platform,
        lower(coalesce(sessions.session_medium, '')) as medium_normalized

    from sessions
    left join social_sources
        on lower(trim(sessions.session_source)) = lower(social_sources.source)

),

classified as (

    select
        *,
        case
            when
                source_platform is not null
                and {{ regex_matches('medium_normalized', '^(.*cp.*|ppc|retargeting|paid.*)$') }}
                then 'paid'
            when
                source_platform is not null
                or medium_normalized in (
                    'social', 'social-network', 'social-media', 'sm', 'social network', 'social media'
                )
                then 'organic'
        end as channel

    from joined

),

final as (

    select
        analytics_source,
        account_id,
        traffic_date,
        channel,
        session_source,
        session_medium,
        campaign,
        landing_page,
        sessions,
        engaged_sessions,
        key_events,
        revenue,
        sessions_with_key_events,
        coalesce(source_platform, 'other') as platform

    from classified
    where channel is not null

)

select * from final
