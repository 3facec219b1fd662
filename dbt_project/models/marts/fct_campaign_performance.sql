{#- One row per campaign of the campaigns seed, joined by campaign key = utm_campaign (lower case)
    to posts and to web sessions. Costs are budget-based (no ad-spend source yet): cost_per_session
    = budget / sessions, cost_per_key_event = budget / key_events, revenue_per_budget = revenue /
    budget. elapsed_share = share of the campaign's days elapsed at as_of_date (the latest day
    with data), for pacing against the budget.
    Web metrics come from one web analytics source, var campaign_analytics_source: GA4 and
    Plausible measure the same site, so adding them would count every visit twice. -#}
{%- set analytics_source = var('campaign_analytics_source') -%}
with

campaigns as (

    select * from {{ ref('campaigns') }}

),

posts as (

    select * from {{ ref('int_posts_unioned') }}

),

web_sessions as (

    select * from {{ ref('int_web_sessions_unioned') }}
    where analytics_source = '{{ analytics_source }}'

),

social_sessions as (

    select * from {{ ref('int_web_sessions_classified') }}
    where analytics_source = '{{ analytics_source }}'

),

account_days as (

    select * from {{ ref('int_account_followers_reconstructed') }}

),

data_bounds as (

    select max(data_date) as as_of_date
    from (
        select max(traffic_date) as data_date from web_sessions
        union all
        select max(kpi_date) as data_date from account_days
    ) as data_dates

),

post_totals as (

    select
        lower(utm_campaign) as campaign,
        count(*) as posts_published,
        sum(engagements) as post_engagements,
        sum(views) as post_views

    from posts
    where utm_campaign is not null
    group by lower(utm_campaign)

),

session_totals as (

    select
        lower(campaign) as campaign,
        sum(sessions) as sessions,
        sum(key_events) as key_events,
        sum(revenue) as revenue

    from web_sessions
    group by lower(campaign)

),

social_session_totals as (

    select
        lower(campaign) as campaign,
        sum(sessions) as social_sessions

    from social_sessions
    group by lower(campaign)

),

joined as (

    select
        lower(campaigns.campaign) as campaign,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.owner,
        campaigns.start_date,
        campaigns.end_date,
        campaigns.currency,
        data_bounds.as_of_date,
        '{{ analytics_source }}' as analytics_source,
        cast(campaigns.budget as {{ dbt.type_numeric() }}) as budget,
        {{ dbt.datediff('campaigns.start_date', 'campaigns.end_date', 'day') }} + 1 as duration_days,
        case
            when data_bounds.as_of_date < campaigns.start_date then 0
            when data_bounds.as_of_date > campaigns.end_date
                then {{ dbt.datediff('campaigns.start_date', 'campaigns.end_date', 'day') }} + 1
            else {{ dbt.datediff('campaigns.start_date', 'data_bounds.as_of_date', 'day') }} + 1
        end as elapsed_days,
        coalesce(post_totals.posts_published, 0) as posts_published,
        coalesce(post_totals.post_engagements, 0) as post_engagements,
        coalesce(post_totals.post_views, 0) as post_views,
        coalesce(session_totals.sessions, 0) as sessions,
        coalesce(social_session_totals.social_sessions, 0) as social_sessions,
        coalesce(session_totals.key_events, 0) as key_events,
        coalesce(session_totals.revenue, 0) as revenue

    from campaigns
    cross join data_bounds
    left join post_totals
        on lower(campaigns.campaign) = post_totals.campaign
    left join session_totals
        on lower(campaigns.campaign) = session_totals.campaign
    left join social_session_totals
        on lower(campaigns.campaign) = social_session_totals.campaign

),

final as (

    select
        campaign,
        campaign_name,
        campaign_type,
        owner,
        start_date,
        end_date,
        budget,
        currency,
        as_of_date,
        analytics_source,
        cast(posts_published as {{ dbt.type_bigint() }}) as posts_published,
        cast(post_engagements as {{ dbt.type_bigint() }}) as post_engagements,
        cast(post_views as {{ dbt.type_bigint() }}) as post_views,
        cast(sessions as {{ dbt.type_bigint() }}) as sessions,
        cast(social_sessions as {{ dbt.type_bigint() }}) as social_sessions,
        cast(key_events as {{ dbt.type_numeric() }}) as key_events,
        cast(revenue as {{ dbt.type_numeric() }}) as revenue,
        {{ rate('key_events', 'sessions') }} as conversion_rate,
        {{ rate('budget', 'sessions') }} as cost_per_session,
        {{ rate('budget', 'key_events') }} as cost_per_key_event,
        {{ rate('revenue', 'budget') }} as revenue_per_budget,
        {{ rate('elapsed_days', 'duration_days') }} as elapsed_share

    from joined

)

select * from final
