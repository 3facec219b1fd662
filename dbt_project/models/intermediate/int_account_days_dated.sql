{#- One row per (platform, account_id, kpi_date) with any account observation or a published post:
    the one place where an account observation gets its day.
    - A value that carries its day (value_date) keeps it: total values and follow breakdowns
      (requested per platform day), LinkedIn's UTC statistics, YouTube Analytics' Pacific days,
      snapshots (their batch's day), X / TikTok post increases.
    - A value that carries the end of its period (value_end_at) stands for the day that holds the
      period's last instant in value_timezone (the account's timezone when null): for a period that
      ends at a midnight there, the date of value_end_at minus one day. Meta's time series end at
      US Pacific midnights, so a Meta insights day is a Pacific day whatever the account's
      timezone; an end_time that is not a Pacific midnight is dated by the Pacific day its period
      ends in, never shifted by a day.
    - The latest observation wins per (account, metric, day), after precedence.
    - followers_gained - followers_lost is the net change where the platform reports no net of its
      own; engagements are the sum of likes, comments, shares and saves (a missing one counts 0, null
      when all are missing) where the platform reports no engagements of its own (Facebook).
    - posts_published and engagements_on_published_posts count the posts by their local publish day:
      the lifetime engagements so far (latest counters) of the posts published that day, defined on
      backfills too, for every platform. -#}
{%- set metrics = [
    'followers_snapshot', 'followers_gained', 'followers_lost', 'follower_net_change', 'likes',
    'comments', 'shares', 'saves', 'engagements', 'reach', 'views',
] -%}
with

observations as (

    select * from {{ ref('int_account_observations_unioned') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}

),

posts as (

    select * from {{ ref('int_posts_unioned') }}

),

observations_dated as (

    select
        observations.platform,
        observations.account_id,
        observations.metric_name,
        observations.metric_value,
        observations.is_snapshot,
        observations.precedence,
        observations.extracted_at,
        coalesce(
            observations.value_date,
            -- the day that holds the period's last instant: for a period ending at a midnight of
            -- the zone, that midnight's date minus one day
            {{ to_local_date(
                dbt.dateadd('second', -1, 'observations.value_end_at'),
                "coalesce(observations.value_timezone, accounts.timezone, 'UTC')"
            ) }}
        ) as kpi_date

    from observations
    left join accounts
        on
            observations.platform = accounts.source
            and observations.account_id = accounts.account_id

),

observations_latest as (

    select
        *,
        row_number() over (
            partition by platform, account_id, metric_name, kpi_date
            order by precedence asc, extracted_at desc
        ) as row_rank

    from observations_dated

),

metrics_pivoted as (

    select
        platform,
        account_id,
        kpi_date,
        {%- for metric in metrics %}
            max(case when metric_name = '{{ metric }}' then metric_value end) as {{ metric }},
        {%- endfor %}
        -- the platform reported daily metrics for the day (a snapshot alone is not enough)
        max(case when is_snapshot then 0 else 1 end) = 1 as has_account_metrics

    from observations_latest
    where row_rank = 1
    group by platform, account_id, kpi_date

),

posts_daily as (

    select
        platform,
        account_id,
        published_date as kpi_date,
        count(*) as posts_published,
        sum(engagements) as engagements_on_published_posts

    from posts
    group by platform, account_id, published_date

),

account_days as (

    select
        platform,
        account_id,
        kpi_date
    from metrics_pivoted
    union
    select
        platform,
        account_id,
        kpi_date
    from posts_daily

),

final as (

    select
        account_days.platform,
        account_days.account_id,
        account_days.kpi_date,
        coalesce(metrics_pivoted.has_account_metrics, false) as has_account_metrics,
        cast(metrics_pivoted.followers_snapshot as {{ dbt.type_bigint() }}) as followers_snapshot,
        cast(metrics_pivoted.followers_gained as {{ dbt.type_bigint() }}) as followers_gained,
        cast(metrics_pivoted.followers_lost as {{ dbt.type_bigint() }}) as followers_lost,
        cast(
            coalesce(
                metrics_pivoted.follower_net_change,
                metrics_pivoted.followers_gained - metrics_pivoted.followers_lost
            ) as {{ dbt.type_bigint() }}
        ) as follower_net_change,
        cast(metrics_pivoted.likes as {{ dbt.type_bigint() }}) as likes,
        cast(metrics_pivoted.comments as {{ dbt.type_bigint() }}) as comments,
        cast(metrics_pivoted.shares as {{ dbt.type_bigint() }}) as shares,
        cast(metrics_pivoted.saves as {{ dbt.type_bigint() }}) as saves,
        cast(
            case
                when metrics_pivoted.engagements is not null then metrics_pivoted.engagements
                when
                    coalesce(
                        metrics_pivoted.likes, metrics_pivoted.comments, metrics_pivoted.shares, metrics_pivoted.saves
                    ) is not null
                    then
                        coalesce(metrics_pivoted.likes, 0)
                        + coalesce(metrics_pivoted.comments, 0)
                        + coalesce(metrics_pivoted.shares, 0)
                        + coalesce(metrics_pivoted.saves, 0)
            end as {{ dbt.type_bigint() }}
        ) as engagements,
        cast(metrics_pivoted.reach as {{ dbt.type_bigint() }}) as reach,
        cast(metrics_pivoted.views as {{ dbt.type_bigint() }}) as views,
        cast(coalesce(posts_daily.posts_published, 0) as {{ dbt.type_bigint() }}) as posts_published,
        cast(coalesce(posts_daily.engagements_on_published_posts, 0) as {{ dbt.type_bigint() }})
            as engagements_on_published_posts

    from account_days
    left join metrics_pivoted
        on
            account_days.platform = metrics_pivoted.platform
            and account_days.account_id = metrics_pivoted.account_id
            and account_days.kpi_date = metrics_pivoted.kpi_date
    left join posts_daily
        on
            account_days.platform = posts_daily.platform
            and account_days.account_id = posts_daily.account_id
            and account_days.kpi_date = posts_daily.kpi_date

)

select * from final
