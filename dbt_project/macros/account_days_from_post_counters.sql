{#- The account-day contract of int_account_days_unioned for a platform that reports no
    account-level daily interactions and no follows or unfollows (X, TikTok): the day's counters
    are the sums, over the account's posts observed that day, of the increase of their lifetime
    counters; has_account_metrics marks the days a posts batch landed; followers come from the
    snapshots only. The models calling it document the platform's components. -#}
{% macro account_days_from_post_counters(platform, observations_model, snapshots_model, posts_model) %}
with

post_metrics as (

    select * from {{ ref('int_post_metrics_daily_differenced') }}
    where platform = '{{ platform }}'

),

post_observations as (

    select * from {{ ref(observations_model) }}

),

snapshots as (

    select * from {{ ref(snapshots_model) }}

),

posts as (

    select * from {{ ref(posts_model) }}

),

batch_days as (

    select distinct
        account_id,
        batch_interval_start as kpi_date

    from post_observations

),

day_increases as (

    select
        account_id,
        metric_date as kpi_date,
        max(
            case
                when is_first_observation and metric_date = published_date then 0
                when is_first_observation then 1
                else 0
            end
        ) as has_unknown_increase,
        sum(likes) as likes,
        sum(comments) as comments,
        sum(shares) as shares,
        sum(saves) as saves,
        sum(views) as views

    from post_metrics
    group by account_id, metric_date

),

known_increases as (

    select
        account_id,
        kpi_date,
        case when has_unknown_increase = 0 then likes end as likes,
        case when has_unknown_increase = 0 then comments end as comments,
        case when has_unknown_increase = 0 then shares end as shares,
        case when has_unknown_increase = 0 then saves end as saves,
        case when has_unknown_increase = 0 then views end as views

    from day_increases

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
    from batch_days
    union
    select
        account_id,
        kpi_date
    from known_increases
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
        '{{ platform }}' as platform,
        account_days.account_id,
        account_days.kpi_date,
        batch_days.account_id is not null as has_account_metrics,
        cast(snapshots_dated.followers as {{ dbt.type_bigint() }}) as followers_snapshot,
        cast(null as {{ dbt.type_bigint() }}) as followers_gained,
        cast(null as {{ dbt.type_bigint() }}) as followers_lost,
        cast(null as {{ dbt.type_bigint() }}) as follower_net_change,
        cast(known_increases.likes as {{ dbt.type_bigint() }}) as likes,
        cast(known_increases.comments as {{ dbt.type_bigint() }}) as comments,
        cast(known_increases.shares as {{ dbt.type_bigint() }}) as shares,
        cast(known_increases.saves as {{ dbt.type_bigint() }}) as saves,
        -- engagements: the sum of the components (each the increase of the posts' lifetime counters)
        cast(
            case
                when
                    coalesce(
                        known_increases.likes, known_increases.comments, known_increases.shares, known_increases.saves
                    ) is not null
                    then
                        coalesce(known_increases.likes, 0)
                        + coalesce(known_increases.comments, 0)
                        + coalesce(known_increases.shares, 0)
                        + coalesce(known_increases.saves, 0)
            end as {{ dbt.type_bigint() }}
        ) as engagements,
        cast(null as {{ dbt.type_bigint() }}) as reach,
        cast(known_increases.views as {{ dbt.type_bigint() }}) as views,
        cast(coalesce(posts_daily.posts_published, 0) as {{ dbt.type_bigint() }}) as posts_published

    from account_days
    left join batch_days
        on
            account_days.account_id = batch_days.account_id
            and account_days.kpi_date = batch_days.kpi_date
    left join known_increases
        on
            account_days.account_id = known_increases.account_id
            and account_days.kpi_date = known_increases.kpi_date
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
{% endmacro %}
