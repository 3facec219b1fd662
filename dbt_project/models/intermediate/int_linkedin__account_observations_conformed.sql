{#- LinkedIn organization data renamed to the observation contract of int_account_observations_unioned.
    - The daily statistics carry LinkedIn's UTC day (the bucket's UTC date, set in staging): LinkedIn
      reports no other day, so the marts keep it whatever the organization's timezone. They settle
      two days late, so the newest days arrive last.
    - The network size snapshot carries its batch's day.
    followerGains organic + paid are net (follows minus unfollows, possibly negative): they are both
    followers_gained and follower_net_change; followers_lost is unknown.
    likes, comments, shares from the share statistics (organic posts); views = impressionCount,
    reach = uniqueImpressionsCount. -#}
{%- set share_metrics = {
    'likes': 'likes',
    'comments': 'comments',
    'shares': 'shares',
    'views': 'impressions',
    'reach': 'unique_impressions',
} -%}
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

net_gains as (

    select
        account_id,
        statistics_date,
        extracted_at,
        case
            when coalesce(organic_follower_gain, paid_follower_gain) is not null
                then coalesce(organic_follower_gain, 0) + coalesce(paid_follower_gain, 0)
        end as net_follower_gain

    from follower_statistics

),

observations as (

    {%- for metric_name in ['followers_gained', 'follower_net_change'] %}
        select
            account_id,
            '{{ metric_name }}' as metric_name,
            cast(net_follower_gain as {{ dbt.type_numeric() }}) as metric_value,
            statistics_date as value_date,
            false as is_snapshot,
            extracted_at
        from net_gains
        union all
    {%- endfor %}
    {%- for metric_name, column in share_metrics.items() %}
        select
            account_id,
            '{{ metric_name }}' as metric_name,
            cast({{ column }} as {{ dbt.type_numeric() }}) as metric_value,
            statistics_date as value_date,
            false as is_snapshot,
            extracted_at
        from share_statistics
        union all
    {%- endfor %}
    select
        account_id,
        'followers_snapshot' as metric_name,
        cast(followers as {{ dbt.type_numeric() }}) as metric_value,
        batch_interval_start as value_date,
        true as is_snapshot,
        extracted_at
    from snapshots

),

final as (

    select
        'linkedin' as platform,
        account_id,
        metric_name,
        metric_value,
        value_date,
        cast(null as timestamp with time zone) as value_end_at,
        cast(null as {{ dbt.type_string() }}) as value_timezone,
        is_snapshot,
        1 as precedence,
        extracted_at

    from observations

)

select * from final
