-- The SQL behind the monthly report (`socialkpi report --month YYYY-MM`), one query per block.
--
-- Every query reads the public marts (schema `marts`, readable by the bi_reader role), except
-- `batches`, which reads the load audit (audit.loads) for the data-quality footer. To run one
-- by hand (psql, Metabase, any BI tool) replace the parameters with dates:
--   %(month_start)s           first day of the month, e.g. '2026-10-01'
--   %(next_month_start)s      first day of the next month, e.g. '2026-11-01'
--   %(previous_month_start)s  first day of the month before, e.g. '2026-09-01'
-- Rates are fractions (0.05 = 5 %); a rate over a month is a ratio of the month's sums, never an
-- average of daily rates.

-- name: coverage
-- Does the month have any data at all? (the report says so instead of drawing empty charts)
select
    (select count(*) from marts.fct_account_kpis_daily
     where kpi_date >= %(month_start)s and kpi_date < %(next_month_start)s) as account_days,
    (select count(*) from marts.fct_social_traffic_daily
     where traffic_date >= %(month_start)s and traffic_date < %(next_month_start)s) as traffic_rows,
    (select max(kpi_date) from marts.fct_account_kpis_daily
     where kpi_date >= %(month_start)s and kpi_date < %(next_month_start)s) as last_day_with_data;

-- name: accounts
-- The social accounts the report covers, with the days they have in the month.
select
    accounts.platform,
    accounts.account_id,
    coalesce(accounts.account_name, accounts.account_id) as account_name,
    count(kpis.kpi_date) as days_in_month
from marts.dim_accounts as accounts
left join marts.fct_account_kpis_daily as kpis
    on
        accounts.platform = kpis.platform
        and accounts.account_id = kpis.account_id
        and kpis.kpi_date >= %(month_start)s
        and kpis.kpi_date < %(next_month_start)s
where not accounts.is_web_analytics
group by accounts.platform, accounts.account_id, accounts.account_name
order by accounts.platform, account_name;

-- name: platform_months
-- Headline KPIs per platform, for the month and the month before (period = 'current' / 'previous').
-- followers = the sum over the platform's accounts of each account's last known total in the month.
with days as (
    select
        platform,
        account_id,
        kpi_date,
        followers,
        follower_change,
        posts_published,
        engagements,
        reach,
        views,
        case when kpi_date >= %(month_start)s then 'current' else 'previous' end as period
    from marts.fct_account_kpis_daily
    where kpi_date >= %(previous_month_start)s and kpi_date < %(next_month_start)s
),

last_known_followers as (
    select distinct on (platform, account_id, period)
        platform,
        account_id,
        period,
        followers
    from days
    where followers is not null
    order by platform, account_id, period, kpi_date desc
),

followers_at_end as (
    select platform, period, sum(followers) as followers
    from last_known_followers
    group by platform, period
)

select
    days.platform,
    days.period,
    count(distinct days.account_id) as accounts,
    max(followers_at_end.followers) as followers,
    sum(days.follower_change) as follower_change,
    sum(days.posts_published) as posts_published,
    sum(days.engagements) as engagements,
    sum(days.reach) as reach,
    sum(days.views) as views,
    -- engagements / followers over the days where both are known (follower-weighted daily rate)
    sum(days.engagements) filter (where days.followers is not null)::numeric
    / nullif(sum(days.followers) filter (where days.engagements is not null), 0) as engagement_rate_by_followers,
    sum(days.engagements) filter (where days.reach is not null)::numeric
    / nullif(sum(days.reach) filter (where days.engagements is not null), 0) as engagement_rate_by_reach
from days
left join followers_at_end
    on days.platform = followers_at_end.platform and days.period = followers_at_end.period
group by days.platform, days.period
order by days.platform, days.period;

-- name: targets
-- Target attainment of the month (kpi_targets seed -> fct_kpi_targets_monthly), with account names.
select
    targets.platform,
    targets.account_id,
    coalesce(accounts.account_name, targets.account_id) as account_name,
    targets.kpi,
    targets.target_value,
    targets.actual_value,
    targets.attainment,
    targets.is_target_met,
    targets.days_with_data
from marts.fct_kpi_targets_monthly as targets
left join marts.dim_accounts as accounts
    on targets.platform = accounts.platform and targets.account_id = accounts.account_id
where targets.target_month = %(month_start)s
order by targets.platform, account_name, targets.kpi;

-- name: follower_growth
-- Net new followers since the first day of the month, per platform and day (known days only).
select
    platform,
    kpi_date,
    sum(follower_change) as follower_change,
    sum(sum(follower_change)) over (partition by platform order by kpi_date) as cumulative_follower_change
from marts.fct_account_kpis_daily
where kpi_date >= %(month_start)s and kpi_date < %(next_month_start)s
group by platform, kpi_date
having count(follower_change) > 0
order by platform, kpi_date;

-- name: traffic_by_platform
-- Sessions referred by each social platform, per web analytics source and property (GA4 and
-- Plausible measure the same site: never add them up).
select
    analytics_source,
    account_id,
    platform,
    sum(sessions) as sessions,
    sum(engaged_sessions) as engaged_sessions,
    sum(key_events) as key_events,
    sum(revenue) as revenue,
    sum(key_events) / nullif(sum(sessions), 0) as conversion_rate
from marts.fct_social_traffic_daily
where traffic_date >= %(month_start)s and traffic_date < %(next_month_start)s
group by analytics_source, account_id, platform
order by analytics_source, account_id, sessions desc nulls last;

-- name: traffic_by_campaign
-- Social sessions per campaign (utm_campaign), with the campaign's name from dim_campaigns.
select
    traffic.analytics_source,
    traffic.account_id,
    traffic.campaign,
    coalesce(campaigns.campaign_name, traffic.campaign) as campaign_name,
    sum(traffic.sessions) as sessions,
    sum(traffic.key_events) as key_events,
    sum(traffic.revenue) as revenue,
    sum(traffic.key_events) / nullif(sum(traffic.sessions), 0) as conversion_rate
from marts.fct_social_traffic_daily as traffic
left join marts.dim_campaigns as campaigns
    on traffic.campaign = campaigns.campaign
where traffic.traffic_date >= %(month_start)s and traffic.traffic_date < %(next_month_start)s
group by traffic.analytics_source, traffic.account_id, traffic.campaign, campaigns.campaign_name
order by traffic.analytics_source, traffic.account_id, sessions desc nulls last;

-- name: ranked_posts
-- The month's five posts with the highest engagement rate by followers (ranking = 'top', best
-- first) and the five with the lowest (ranking = 'bottom', worst first), published in the month.
-- A month with fewer than ten posts lists some posts in both.
with

month_posts as (
    select
        posts.platform,
        coalesce(accounts.account_name, posts.account_id) as account_name,
        posts.published_date,
        posts.post_format,
        posts.caption_excerpt,
        posts.permalink,
        posts.engagements,
        posts.views,
        posts.engagement_rate_by_followers,
        row_number() over (
            order by posts.engagement_rate_by_followers desc, posts.engagements desc
        ) as top_rank,
        row_number() over (
            order by posts.engagement_rate_by_followers asc, posts.engagements asc
        ) as bottom_rank
    from marts.fct_post_performance as posts
    left join marts.dim_accounts as accounts
        on posts.platform = accounts.platform and posts.account_id = accounts.account_id
    where
        posts.published_date >= %(month_start)s and posts.published_date < %(next_month_start)s
        and posts.engagement_rate_by_followers is not null
),

ranked as (
    select 'top' as ranking, top_rank as post_rank, month_posts.* from month_posts where top_rank <= 5
    union all
    select 'bottom', bottom_rank, month_posts.* from month_posts where bottom_rank <= 5
)

select
    ranking,
    post_rank,
    platform,
    account_name,
    published_date,
    post_format,
    caption_excerpt,
    permalink,
    engagements,
    views,
    engagement_rate_by_followers
from ranked
order by ranking desc, post_rank;

-- name: campaigns
-- Campaigns running during the month, with their results to date (fct_campaign_performance is
-- campaign-lifetime, budget-based: there is no ad-spend source).
select
    campaign,
    coalesce(campaign_name, campaign) as campaign_name,
    campaign_type,
    owner,
    start_date,
    end_date,
    budget,
    currency,
    analytics_source,
    posts_published,
    sessions,
    social_sessions,
    key_events,
    revenue,
    conversion_rate,
    cost_per_session,
    cost_per_key_event,
    revenue_per_budget,
    elapsed_share
from marts.fct_campaign_performance
where start_date < %(next_month_start)s and end_date >= %(month_start)s
order by start_date, campaign;

-- name: calendar
-- Content calendar adherence: planned posts published on time, late or missed, still scheduled
-- (planned after the newest data), and unplanned posts.
select
    platform,
    count(*) filter (where status = 'on_time') as on_time,
    count(*) filter (where status = 'late') as late,
    count(*) filter (where status = 'missed') as missed,
    count(*) filter (where status = 'unplanned') as unplanned,
    count(*) filter (where status = 'scheduled') as scheduled,
    count(*) filter (where is_planned) as planned
from marts.fct_content_calendar
where
    coalesce(planned_at, published_at) >= %(month_start)s
    and coalesce(planned_at, published_at) < %(next_month_start)s
group by platform
order by platform;

-- name: community
-- Community response per account: reply rate over the month, and the typical day's median and
-- 90th-percentile first response (the median over days of the daily values).
select
    responses.platform,
    coalesce(responses.account_name, responses.account_id) as account_name,
    sum(responses.comments_received) as comments_received,
    sum(responses.comments_replied) as comments_replied,
    sum(responses.comments_replied)::numeric / nullif(sum(responses.comments_received), 0) as reply_rate,
    percentile_cont(0.5) within group (order by responses.median_first_response_minutes)
        as median_first_response_minutes,
    percentile_cont(0.5) within group (order by responses.p90_first_response_minutes)
        as p90_first_response_minutes
from marts.fct_community_response as responses
where responses.response_date >= %(month_start)s and responses.response_date < %(next_month_start)s
group by responses.platform, responses.account_id, responses.account_name
order by responses.platform, account_name;

-- name: alerts
-- The month's KPI alerts: the day's value against the median of the previous days; half of those
-- days lie within median +/- median_absolute_deviation (the usual range).
select
    alerts.kpi_date,
    alerts.platform,
    coalesce(accounts.account_name, alerts.account_id) as account_name,
    alerts.kpi,
    alerts.kpi_value,
    alerts.median_value,
    alerts.median_absolute_deviation,
    alerts.history_days,
    alerts.robust_z_score,
    alerts.direction
from marts.fct_kpi_alerts as alerts
left join marts.dim_accounts as accounts
    on alerts.platform = accounts.platform and alerts.account_id = accounts.account_id
where alerts.kpi_date >= %(month_start)s and alerts.kpi_date < %(next_month_start)s
order by alerts.kpi_date, alerts.platform, account_name, alerts.kpi;

-- name: flags
-- Numbers the marts mark as reconstructed or unavailable, per platform, over the month's days.
select
    platform,
    count(*) as account_days,
    count(*) filter (where is_followers_reconstructed) as followers_reconstructed,
    count(*) filter (where followers is null) as followers_unknown,
    count(*) filter (where engagements is null) as engagements_unknown,
    count(*) filter (where reach is null) as reach_unavailable,
    max(kpi_date) as last_kpi_date
from marts.fct_account_kpis_daily
where kpi_date >= %(month_start)s and kpi_date < %(next_month_start)s
group by platform
order by platform;

-- name: freshness
-- The newest day each source has in the marts (whatever the month).
select
    platform as source,
    max(last_kpi_date) as last_day
from marts.dim_accounts
where not is_web_analytics
group by platform
union all
select
    analytics_source as source,
    max(traffic_date) as last_day
from marts.fct_social_traffic_daily
group by analytics_source
order by source;

-- name: batches
-- Load batches of the month's days by outcome, per source (audit.loads; not readable by bi_reader).
select
    source,
    count(*) filter (where status in ('published', 'released')) as validated,
    count(*) filter (where status = 'quarantined') as quarantined,
    count(*) filter (where status in ('failed', 'extract_failed', 'abandoned')) as failed,
    count(*) filter (where status in ('landing', 'validating')) as in_progress
from audit.loads
where interval_start >= %(month_start)s and interval_start < %(next_month_start)s
group by source
order by source;

-- name: best_windows
-- The recommended posting windows (weekday and hour in the account's timezone) per account: only
-- cells with enough posts are ranked (fct_posting_windows.window_rank is null for the others).
select
    platform,
    coalesce(account_name, account_id) as account_name,
    window_rank,
    weekday_name,
    publish_hour,
    account_timezone,
    posts,
    mean_engagement_rate_by_followers,
    rate_index
from marts.fct_posting_windows
where window_rank <= 3
order by platform, account_name, window_rank;

-- name: month_formats
-- Post formats of the month per platform: posts, median engagement rate and its change against
-- the month before.
select
    platform,
    dimension_value as post_format,
    posts,
    median_engagement_rate_by_followers,
    median_engagement_rate_change
from marts.fct_content_performance
where dimension = 'format' and content_month = %(month_start)s
order by platform, median_engagement_rate_by_followers desc nulls last, posts desc;

-- name: month_hashtags
-- The month's five most used hashtags per platform, with their median engagement rate.
select platform, hashtag, posts, median_engagement_rate_by_followers
from (
    select
        platform,
        '#' || dimension_value as hashtag,
        posts,
        median_engagement_rate_by_followers,
        row_number() over (partition by platform order by posts desc, dimension_value) as position
    from marts.fct_content_performance
    where dimension = 'hashtag' and content_month = %(month_start)s
) as ranked
where position <= 5
order by platform, position;

-- name: competitors
-- Own accounts and competitors side by side on the newest day of the month they were read
-- (public counters only), with each one's share of voice on its platform.
select
    c.platform,
    c.snapshot_date,
    coalesce(c.account_name, c.account_ref) as account_name,
    c.is_own_account,
    c.followers,
    c.follower_change,
    c.posts,
    c.engagements_per_post,
    c.engagement_rate_by_followers,
    c.share_of_voice
from marts.fct_competitor_daily as c
inner join (
    select platform, max(snapshot_date) as snapshot_date
    from marts.fct_competitor_daily
    where snapshot_date >= %(month_start)s and snapshot_date < %(next_month_start)s
    group by platform
) as newest on c.platform = newest.platform and c.snapshot_date = newest.snapshot_date
order by c.platform, c.share_of_voice desc nulls last;
