{#- TikTok account data renamed to the observation contract of int_account_observations_unioned: the
    TikTok user snapshot (follower_count), carrying its batch's day. TikTok reports no account-level daily interactions and no
    follows or unfollows: its daily counters are the increases of its posts' lifetime counters
    (int_account_post_increases_summed), so followers are known on snapshot days only. -#}
with

snapshots as (

    select * from {{ ref('stg_tiktok__user_snapshots') }}

),

final as (

    select
        'tiktok' as platform,
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

)

select * from final
