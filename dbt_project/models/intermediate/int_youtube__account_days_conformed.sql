{#- YouTube conformed to the account-day contract of int_account_days_unioned: one row per
    (account_id, kpi_date) with a channel_daily report row, a snapshot or a published video.
    - channel_daily's `day` is the report's day (the request asks for the account's local day);
    - a channel snapshot (subscriberCount) stands for the end of its batch's interval_start.
    followers_gained / followers_lost = subscribersGained / subscribersLost; engagements = likes +
    comments + shares of the day; views = the day's views; YouTube reports no reach or saves.
    A day YouTube has not published yet has no report row, so it has no account metrics. -#}
with

channel_daily as (

    select * from {{ ref('stg_youtube__channel_daily') }}

),

snapshots as (

    select * from {{ ref('stg_youtube__channel_snapshots') }}

),

videos as (

    select * from {{ ref('int_youtube__posts_conformed') }}

),

metric_days as (

    select
        account_id,
        activity_date as kpi_date,
        views,
        likes,
        comments,
        shares,
        subscribers_gained,
        subscribers_lost

    from channel_daily

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

    from videos
    group by account_id, published_date

),

account_days as (

    select
        account_id,
        kpi_date
    from metric_days
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
        'youtube' as platform,
        account_days.account_id,
        account_days.kpi_date,
        metric_days.account_id is not null as has_account_metrics,
        cast(snapshots_dated.followers as {{ dbt.type_bigint() }}) as followers_snapshot,
        cast(metric_days.subscribers_gained as {{ dbt.type_bigint() }}) as followers_gained,
        cast(metric_days.subscribers_lost as {{ dbt.type_bigint() }}) as followers_lost,
        cast(metric_days.subscribers_gained - metric_days.subscribers_lost as {{ dbt.type_bigint() }})
            as follower_net_change,
        cast(metric_days.likes as {{ dbt.type_bigint() }}) as likes,
        cast(metric_days.comments as {{ dbt.type_bigint() }}) as comments,
        cast(metric_days.shares as {{ dbt.type_bigint() }}) as shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        -- youtube engagements: likes + comments + shares (channel_daily)
        cast(
            case
                when coalesce(metric_days.likes, metric_days.comments, metric_days.shares) is not null
                    then
                        coalesce(metric_days.likes, 0)
                        + coalesce(metric_days.comments, 0)
                        + coalesce(metric_days.shares, 0)
            end as {{ dbt.type_bigint() }}
        ) as engagements,
        cast(null as {{ dbt.type_bigint() }}) as reach,
        cast(metric_days.views as {{ dbt.type_bigint() }}) as views,
        cast(coalesce(posts_daily.posts_published, 0) as {{ dbt.type_bigint() }}) as posts_published

    from account_days
    left join metric_days
        on
            account_days.account_id = metric_days.account_id
            and account_days.kpi_date = metric_days.kpi_date
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
