{#- Instagram conformed to the account-day contract of int_account_days_unioned:
    one row per (account_id, kpi_date) with any account-level data or a published post.
    Local days use the account's configured timezone:
    - a follower_count value's day is (end_time at the account's timezone)::date - 1;
    - a total_value covers the batch's reporting day;
    - a snapshot stands for the end of its batch's interval_start (the extractor lands a total
      read on local day s as day s - 1, so that is also the extraction's local day - 1).
    An account missing from socialkpi.yml reports in UTC. -#}
{%- set account_timezone = "coalesce(account_timezones.timezone, 'UTC')" -%}
with

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'instagram'

),

insights as (

    select * from {{ ref('stg_instagram__account_insights') }}

),

snapshots as (

    select * from {{ ref('stg_instagram__account_snapshots') }}

),

media as (

    select * from {{ ref('stg_instagram__media') }}

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
        case
            when insights.value_kind = 'time_series'
                then {{ add_days(-1, to_local_date('insights.period_end_at', account_timezone)) }}
            else insights.reporting_date
        end as kpi_date,
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
        max(case when metric_name = 'follows' then metric_value end) as follows,
        max(case when metric_name = 'unfollows' then metric_value end) as unfollows,
        max(case when metric_name = 'follower_count' then metric_value end) as new_followers,
        max(case when metric_name = 'likes' then metric_value end) as likes,
        max(case when metric_name = 'comments' then metric_value end) as comments,
        max(case when metric_name = 'shares' then metric_value end) as shares,
        max(case when metric_name = 'saves' then metric_value end) as saves,
        max(case when metric_name = 'reach' then metric_value end) as reach,
        max(case when metric_name = 'views' then metric_value end) as views

    from insights_latest
    where row_rank = 1
    group by account_id, kpi_date

),

snapshots_dated as (

    -- staging keeps the latest snapshot per batch day
    select
        account_id,
        batch_interval_start as kpi_date,
        followers

    from snapshots

),

posts_daily as (

    select
        media.account_id,
        {{ to_local_date('media.published_at', account_timezone) }} as kpi_date,
        count(*) as posts_published

    from media
    left join account_timezones
        on media.account_id = account_timezones.account_id
    group by
        media.account_id,
        {{ to_local_date('media.published_at', account_timezone) }}

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
        'instagram' as platform,
        account_days.account_id,
        account_days.kpi_date,
        -- the platform reported daily metrics for the day (a snapshot alone is not enough)
        metrics_pivoted.account_id is not null as has_account_metrics,
        cast(snapshots_dated.followers as {{ dbt.type_bigint() }}) as followers_snapshot,
        -- follows_and_unfollows' FOLLOWER count; the follower_count series counts the same follows
        cast(coalesce(metrics_pivoted.follows, metrics_pivoted.new_followers) as {{ dbt.type_bigint() }})
            as followers_gained,
        cast(metrics_pivoted.unfollows as {{ dbt.type_bigint() }}) as followers_lost,
        cast(metrics_pivoted.follows - metrics_pivoted.unfollows as {{ dbt.type_bigint() }})
            as follower_net_change,
        cast(metrics_pivoted.likes as {{ dbt.type_bigint() }}) as likes,
        cast(metrics_pivoted.comments as {{ dbt.type_bigint() }}) as comments,
        cast(metrics_pivoted.shares as {{ dbt.type_bigint() }}) as shares,
        cast(metrics_pivoted.saves as {{ dbt.type_bigint() }}) as saves,
        -- instagram engagements: likes + comments + shares + saves (account-level daily counts)
        cast(
            case
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
