{#- Facebook Pages conformed to the account-day contract of int_account_days_unioned: one row per
    (account_id, kpi_date) with page insights, a snapshot or a published post. Local days use the
    page's configured timezone (UTC when not configured):
    - a page insights value's day is (end_time at the timezone)::date - 1;
    - page_follows is the follower total at the end of every insights day (Facebook's own level,
      revised with the insights), so followers_snapshot is page_follows, else the page snapshot
      (`followers_count`, standing for the end of its batch's interval_start: the newest day,
      whose insights are not read yet).
    followers_gained = page_daily_follows_unique, followers_lost = page_daily_unfollows_unique,
    engagements = page_post_engagements, views = page_media_view, reach = page_total_media_view_unique.
    The page reports no daily likes, comments, shares or saves. -#}
{%- set account_timezone = "coalesce(account_timezones.timezone, 'UTC')" -%}
with

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'facebook'

),

insights as (

    select * from {{ ref('stg_facebook__page_insights') }}

),

snapshots as (

    select * from {{ ref('stg_facebook__page_snapshots') }}

),

posts as (

    select * from {{ ref('int_facebook__posts_conformed') }}

),

account_timezones as (

    select
        account_id,
        timezone

    from accounts

),

insights_dated as (

    select
        insights.account_id,
        insights.metric_name,
        {{ add_days(-1, to_local_date('insights.period_end_at', account_timezone)) }} as kpi_date,
        insights.metric_value,
        insights.extracted_at

    from insights
    left join account_timezones
        on insights.account_id = account_timezones.account_id

),

insights_latest as (

    select
        *,
        row_number() over (
            partition by account_id, metric_name, kpi_date
            order by extracted_at desc
        ) as row_rank

    from insights_dated

),

metrics_pivoted as (

    select
        account_id,
        kpi_date,
        max(case when metric_name = 'page_follows' then metric_value end) as page_follows,
        max(case when metric_name = 'page_daily_follows_unique' then metric_value end) as follows,
        max(case when metric_name = 'page_daily_unfollows_unique' then metric_value end) as unfollows,
        max(case when metric_name = 'page_post_engagements' then metric_value end) as post_engagements,
        max(case when metric_name = 'page_media_view' then metric_value end) as media_views,
        max(case when metric_name = 'page_total_media_view_unique' then metric_value end) as media_viewers

    from insights_latest
    where row_rank = 1
    group by account_id, kpi_date

),

snapshots_dated as (

    select
        account_id,
        batch_interval_start as kpi_date,
        followers

    from snapshots

),

posts_daily as (

    select
        account_id,
        published_date as kpi_date,
        count(*) as posts_published

    from posts
    group by account_id, published_date

),

account_days as (

    select
        account_id,
        kpi_date
    from metrics_pivoted
    union
    select
        account_id,
        kpi_date
    from snapshots_dated
    union
    select
        account_id,
        kpi_date
    from posts_daily

),

final as (

    select
        'facebook' as platform,
        account_days.account_id,
        account_days.kpi_date,
        metrics_pivoted.account_id is not null as has_account_metrics,
        cast(coalesce(metrics_pivoted.page_follows, snapshots_dated.followers) as {{ dbt.type_bigint() }})
            as followers_snapshot,
        cast(metrics_pivoted.follows as {{ dbt.type_bigint() }}) as followers_gained,
        cast(metrics_pivoted.unfollows as {{ dbt.type_bigint() }}) as followers_lost,
        cast(metrics_pivoted.follows - metrics_pivoted.unfollows as {{ dbt.type_bigint() }}) as follower_net_change,
        cast(null as {{ dbt.type_bigint() }}) as likes,
        cast(null as {{ dbt.type_bigint() }}) as comments,
        cast(null as {{ dbt.type_bigint() }}) as shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        -- facebook engagements: page_post_engagements (account daily)
        cast(metrics_pivoted.post_engagements as {{ dbt.type_bigint() }}) as engagements,
        cast(metrics_pivoted.media_viewers as {{ dbt.type_bigint() }}) as reach,
        cast(metrics_pivoted.media_views as {{ dbt.type_bigint() }}) as views,
        cast(coalesce(posts_daily.posts_published, 0) as {{ dbt.type_bigint() }}) as posts_published

    from account_days
    left join metrics_pivoted
        on
            account_days.account_id = metrics_pivoted.account_id
            and account_days.kpi_date = metrics_pivoted.kpi_date
    left join snapshots_dated
        on
            account_days.account_id = snapshots_dated.account_id
            and account_days.kpi_date = snapshots_dated.kpi_date
    left join posts_daily
        on
            account_days.account_id = posts_daily.account_id
            and account_days.kpi_date = posts_daily.kpi_date

)

select * from final
