{#- Account observations for the platforms that report no account-level daily interactions
    (var post_increase_platforms: X and TikTok), in the contract of int_account_observations_unioned:
    - the day's likes, comments, shares, saves and views are the sums, over the account's posts
      observed that day, of the increase of their lifetime counters (int_post_metrics_daily_differenced,
      exactly as fct_post_metrics_daily);
    - a post's increase is unknown on its first observation unless that is its publish day (what
      happened before it was first read is unknown); a day with such a post has unknown (null)
      counters, and so does a day a posts batch landed for without any observation (e.g. a backfill,
      where every batch is read on the same day and all observations stand for that day's eve);
    - the observed days are the days a posts batch landed for (has_account_metrics), so the spine
      ends at the newest loaded day; an increase dated after it (a batch read after the account's
      midnight) waits for that day's batch. -#}
{%- set counters = ['likes', 'comments', 'shares', 'saves', 'views'] -%}
{%- set platforms = "'" ~ (var('post_increase_platforms') | join("', '")) ~ "'" -%}
with

post_metrics as (

    select * from {{ ref('int_post_metrics_daily_differenced') }}
    where platform in ({{ platforms }})

),

post_observations as (

    select * from {{ ref('int_post_observations_unioned') }}
    where platform in ({{ platforms }})

),

batch_days as (

    select
        platform,
        account_id,
        batch_interval_start as kpi_date,
        max(extracted_at) as extracted_at

    from post_observations
    group by platform, account_id, batch_interval_start

),

day_increases as (

    select
        platform,
        account_id,
        metric_date as kpi_date,
        {%- for counter in counters %}
            sum({{ counter }}) as {{ counter }},
        {%- endfor %}
        max(case when is_first_observation and metric_date <> published_date then 1 else 0 end)
            as has_unknown_increase

    from post_metrics
    group by platform, account_id, metric_date

),

observations as (

    {%- for counter in counters %}
        select
            batch_days.platform,
            batch_days.account_id,
            '{{ counter }}' as metric_name,
            cast(
                case when day_increases.has_unknown_increase = 0 then day_increases.{{ counter }} end
                as {{ dbt.type_numeric() }}
            ) as metric_value,
            batch_days.kpi_date as value_date,
            batch_days.extracted_at
        from batch_days
        left join day_increases
            on
                batch_days.platform = day_increases.platform
                and batch_days.account_id = day_increases.account_id
                and batch_days.kpi_date = day_increases.kpi_date
        {{ "union all" if not loop.last }}
    {%- endfor %}

),

final as (

    select
        platform,
        account_id,
        metric_name,
        metric_value,
        value_date,
        cast(null as timestamp with time zone) as value_end_at,
        cast(null as {{ dbt.type_string() }}) as value_timezone,
        false as is_snapshot,
        1 as precedence,
        extracted_at

    from observations

)

select * from final
