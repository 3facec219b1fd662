{#- LinkedIn conformed to the account-day contract of int_account_days_unioned: one row per
    (account_id, kpi_date) with daily statistics, a snapshot or a published post.
    - The daily statistics are LinkedIn's UTC day buckets: their kpi_date is the bucket's UTC date,
      whatever the account's timezone (LinkedIn reports no other day). They arrive two days late,
      so the newest days of the spine trail the other platforms.
    - A network size snapshot stands for the end of its batch's interval_start.
    - posts_published counts posts by their local publish day, like every platform.
    followers_gained = followerGains organic + paid, which LinkedIn reports net (follows minus
    unfollows, possibly negative): it is also follower_net_change, and followers_lost is unknown.
    engagements = likes + comments + shares of the day's share statistics (organic posts);
    views = impressionCount, reach = uniqueImpressionsCount. -#}
with

follower_statistics as (

    select * from {{ ref('stg_linkedin__follower_statistics') }}

),

share_statistics as (

    select * from {{ ref('stg_linkedin__share_statistics') }}

),

snapshots as (

    select * from {{ ref('stg_linkedin__network_size_snapshots') }}

),

posts as (

    select * from {{ ref('int_linkedin__posts_conformed') }}

),

follower_days as (

    select
        account_id,
        statistics_date as kpi_date,
        case
            when coalesce(organic_follower_gain, paid_follower_gain) is not null
                then coalesce(organic_follower_gain, 0) + coalesce(paid_follower_gain, 0)
        end as net_follower_gain

    from follower_statistics

),

share_days as (

    select
        account_id,
        statistics_date as kpi_date,
        likes,
        comments,
        shares,
        impressions,
        unique_impressions

    from share_statistics

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
    from follower_days
    union
    select
        account_id,
        kpi_date
    from share_days
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
        'linkedin' as platform,
        account_days.account_id,
        account_days.kpi_date,
        (follower_days.account_id is not null or share_days.account_id is not null) as has_account_metrics,
        cast(snapshots_dated.followers as {{ dbt.type_bigint() }}) as followers_snapshot,
        cast(follower_days.net_follower_gain as {{ dbt.type_bigint() }}) as followers_gained,
        cast(null as {{ dbt.type_bigint() }}) as followers_lost,
        cast(follower_days.net_follower_gain as {{ dbt.type_bigint() }}) as follower_net_change,
        cast(share_days.likes as {{ dbt.type_bigint() }}) as likes,
        cast(share_days.comments as {{ dbt.type_bigint() }}) as comments,
        cast(share_days.shares as {{ dbt.type_bigint() }}) as shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        -- linkedin engagements: likes + comments + shares (share statistics, UTC day)
        cast(
            case
                when coalesce(share_days.likes, share_days.comments, share_days.shares) is not null
                    then
                        coalesce(share_days.likes, 0)
                        + coalesce(share_days.comments, 0)
                        + coalesce(share_days.shares, 0)
            end as {{ dbt.type_bigint() }}
        ) as engagements,
        cast(share_days.unique_impressions as {{ dbt.type_bigint() }}) as reach,
        cast(share_days.impressions as {{ dbt.type_bigint() }}) as views,
        cast(coalesce(posts_daily.posts_published, 0) as {{ dbt.type_bigint() }}) as posts_published

    from account_days
    left join follower_days
        on
            account_days.account_id = follower_days.account_id
            and account_days.kpi_date = follower_days.kpi_date
    left join share_days
        on
            account_days.account_id = share_days.account_id
            and account_days.kpi_date = share_days.kpi_date
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
