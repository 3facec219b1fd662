{#- Instagram account data renamed to the observation contract of int_account_observations_unioned.
    Dating happens once, in int_account_days_dated:
    - time-series values (follower_count) carry their end_time and Meta's day zone (US Pacific,
      var meta_insights_timezone): a value stands for the day that end_time closes;
    - total values and follow breakdowns carry their batch's day (requested per Pacific day);
    - the followers snapshot carries its batch's day.
    followers_gained = follows_and_unfollows FOLLOWER, else the follower_count series (precedence 2:
    it counts the same follows); followers_lost = NON_FOLLOWER. -#}
with

insights as (

    select * from {{ ref('stg_instagram__account_insights') }}

),

snapshots as (

    select * from {{ ref('stg_instagram__account_snapshots') }}

),

insight_observations as (

    select
        account_id,
        case metric_name
            when 'follows' then 'followers_gained'
            when 'follower_count' then 'followers_gained'
            when 'unfollows' then 'followers_lost'
            else metric_name
        end as metric_name,
        cast(metric_value as {{ dbt.type_numeric() }}) as metric_value,
        reporting_date as value_date,
        period_end_at as value_end_at,
        '{{ var("meta_insights_timezone") }}' as value_timezone,
        false as is_snapshot,
        case when metric_name = 'follower_count' then 2 else 1 end as precedence,
        extracted_at

    from insights
    where metric_name in (
            'follows', 'unfollows', 'follower_count', 'likes', 'comments', 'shares', 'saves', 'reach', 'views'
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
        1 as precedence,
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
        'instagram' as platform,
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
