{#- YouTube channel data renamed to the observation contract of int_account_observations_unioned.
    - channel_daily's `day` is YouTube Analytics' day, a US Pacific date (the report's fixed zone);
      a day YouTube has not published yet has no report row, so it has no account metrics.
    - The channel snapshot (subscriberCount) carries its batch's day.
    followers_gained / followers_lost = subscribersGained / subscribersLost; likes, comments, shares
    and views of the day; YouTube reports no daily reach or saves. -#}
{%- set daily_metrics = {
    'likes': 'likes',
    'comments': 'comments',
    'shares': 'shares',
    'views': 'views',
    'followers_gained': 'subscribers_gained',
    'followers_lost': 'subscribers_lost',
} -%}
with

channel_daily as (

    select * from {{ ref('stg_youtube__channel_daily') }}

),

snapshots as (

    select * from {{ ref('stg_youtube__channel_snapshots') }}

),

observations as (

    {%- for metric_name, column in daily_metrics.items() %}
        select
            account_id,
            '{{ metric_name }}' as metric_name,
            cast({{ column }} as {{ dbt.type_numeric() }}) as metric_value,
            activity_date as value_date,
            false as is_snapshot,
            extracted_at
        from channel_daily
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
        'youtube' as platform,
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
