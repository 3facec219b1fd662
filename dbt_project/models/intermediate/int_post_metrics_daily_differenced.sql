{#- The day's increase of every lifetime counter per (platform, post_id, metric_date), over the
    whole history. fct_post_metrics_daily loads it incrementally; computing the differences here,
    never on a partial window, is what makes incremental runs equal a full refresh.
    The increase is since the previous observation (normally the previous day). On a post's
    first observation it is the lifetime value when that is its publish day (counters start at
    0), and null otherwise (what happened before the first observation is unknown). -#}
{%- set counters = ['likes', 'comments', 'shares', 'saves', 'views'] -%}
with

post_days as (

    select * from {{ ref('int_post_days_dated') }}

),

with_previous as (

    select
        *,
        {%- for counter in counters %}
            lag(lifetime_{{ counter }}) over post_history as previous_{{ counter }},
        {%- endfor %}
        row_number() over post_history as observation_number

    from post_days
    window post_history as (partition by platform, post_id order by metric_date)

),

differenced as (

    select
        platform,
        post_id,
        metric_date,
        account_id,
        published_date,
        {%- for counter in counters %}
            lifetime_{{ counter }},
            case
                when observation_number > 1 then lifetime_{{ counter }} - previous_{{ counter }}
                when metric_date = published_date then lifetime_{{ counter }}
            end as {{ counter }},
        {%- endfor %}
        {{ dbt.datediff('published_date', 'metric_date', 'day') }} as days_since_published,
        observation_number = 1 as is_first_observation

    from with_previous

),

final as (

    select
        *,
        case
            when coalesce(likes, comments, shares, saves) is not null
                then coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(saves, 0)
        end as engagements,
        coalesce(lifetime_likes, 0) + coalesce(lifetime_comments, 0)
        + coalesce(lifetime_shares, 0) + coalesce(lifetime_saves, 0) as lifetime_engagements

    from differenced

)

select * from final
