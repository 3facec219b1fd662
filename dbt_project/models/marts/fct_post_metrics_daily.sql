{#- Incremental: each run replaces the last `post_metrics_lookback_days` days (platforms restate
    recent days), and loads the whole history of a platform the table does not hold yet (a platform
    just added), so adding a platform needs no --full-refresh. The increases are computed over the
    whole history upstream, so incremental runs and a full refresh give the same rows
    (tests/assert_post_metrics_daily_matches_full_refresh.sql). -#}
{{
    config(
        materialized='incremental',
        unique_key=['platform', 'post_id', 'metric_date'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}

with

post_metrics as (

    select * from {{ ref('int_post_metrics_daily_differenced') }}

),

{% if is_incremental() %}
    loaded_platforms as (

        select distinct platform as loaded_platform
        from {{ this }}

    ),
{% endif %}

final as (

    select
        platform,
        post_id,
        metric_date,
        account_id,
        published_date,
        days_since_published,
        is_first_observation,
        likes,
        comments,
        shares,
        saves,
        views,
        engagements,
        lifetime_likes,
        lifetime_comments,
        lifetime_shares,
        lifetime_saves,
        lifetime_views,
        lifetime_engagements

    from post_metrics

    {% if is_incremental() %}
        where
            metric_date >= (
                select {{ add_days(-(var('post_metrics_lookback_days') | int), 'max(metric_date)') }}
                from {{ this }}
            )
            or platform not in (select loaded_platforms.loaded_platform from loaded_platforms)
    {% endif %}

)

select * from final
