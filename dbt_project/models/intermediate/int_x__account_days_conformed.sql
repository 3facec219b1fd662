{#- X conformed to the account-day contract of int_account_days_unioned. X reports no
    account-level daily interactions and no follows or unfollows, so:
    - the day's likes, comments (replies), shares (retweets + quotes), saves (bookmarks) and views
      (impressions) are the sums, over the account's posts observed that day, of the increase of
      their lifetime counters (int_post_metrics_daily_differenced, exactly as fct_post_metrics_daily);
    - a post's increase is unknown on its first observation unless that is its publish day (what
      happened before it was first read is unknown); a day with such a post has unknown (null)
      counters, and so does a day without any observation (e.g. a backfill, where every batch is
      read on the same day and all observations stand for that day's eve);
    - engagements = likes + retweets + quotes + replies + bookmarks;
    - has_account_metrics = a posts batch landed for the day, so the spine ends at the newest
      loaded day;
    - followers come from the user snapshot (public_metrics.followers_count) only (it stands for the end of its
      batch's interval_start): known on snapshot days, not reconstructed on others. -#}
with

post_metrics as (

    select * from {{ ref('int_post_metrics_daily_differenced') }}
    where platform = 'x'

),

post_observations as (

    select * from {{ ref('stg_x__post_observations') }}

),

snapshots as (

    select * from {{ ref('stg_x__user_snapshots') }}

),

posts as (

    select * from {{ ref('int_x__posts_conformed') }}

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
        'x' as platform,
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
        -- x engagements: likes + retweets + quotes + replies + bookmarks (increase of the posts' lifetime counters)
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
