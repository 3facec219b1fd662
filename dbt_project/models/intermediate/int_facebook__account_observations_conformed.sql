{#- Facebook Page data renamed to the observation contract of int_account_observations_unioned.
    Dating happens once, in int_account_days_dated: page insights values carry their end_time and
    Meta's day zone (US Pacific, var meta_insights_timezone); the page snapshot carries its batch's
    day.
    page_follows is Facebook's own end-of-day follower total for every insights day, so it is the
    followers_snapshot and wins over the page snapshot's `followers_count` (precedence 2: it stands
    for the newest day, whose insights are not read yet).
    followers_gained = page_daily_follows_unique, followers_lost = page_daily_unfollows_unique,
    engagements = page_post_engagements, views = page_media_view, reach = page_total_media_view_unique.
    The page reports no daily likes, comments, shares or saves. -#}
with

insights as (

    select * from {{ ref('stg_facebook__page_insights') }}

),

snapshots as (

    select * from {{ ref('stg_facebook__page_snapshots') }}

),

insight_observations as (

    select
        account_id,
        case metric_name
            when 'page_follows' then 'followers_snapshot'
            when 'page_daily_follows_unique' then 'followers_gained'
            when 'page_daily_unfollows_unique' then 'followers_lost'
            when 'page_post_engagements' then 'engagements'
            when 'page_media_view' then 'views'
            when 'page_total_media_view_unique' then 'reach'
        end as metric_name,
        cast(metric_value as {{ dbt.type_numeric() }}) as metric_value,
        cast(null as date) as value_date,
        period_end_at as value_end_at,
        '{{ var("meta_insights_timezone") }}' as value_timezone,
        false as is_snapshot,
        1 as precedence,
        extracted_at

    from insights
    where metric_name in (
            'page_follows', 'page_daily_follows_unique', 'page_daily_unfollows_unique',
            'page_post_engagements', 'page_media_view', 'page_total_media_view_unique'
        )

),

snapshot_observations as (

    select
        account_id,
        'followers_snapshot' as metric_name,
        cast(followers as {{ dbt.type_numeric() }}) as metric_value,
        batch_interval_start as value_date,
        cast(null as timestamp with time zone) as value_end_at,
        cast(null as {{ dbt.type_string() }}) as value_timezone,
        true as is_snapshot,
        2 as precedence,
        extracted_at

    from snapshots

),

observations as (

    select * from insight_observations
    union all
    select * from snapshot_observations

),

final as (

    select
        'facebook' as platform,
        account_id,
        metric_name,
        metric_value,
        value_date,
        value_end_at,
        value_timezone,
        is_snapshot,
        precedence,
        extracted_at

    from observations

)

select * from final
