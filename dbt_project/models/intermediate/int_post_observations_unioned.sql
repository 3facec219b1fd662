{#- Every platform's lifetime post counters as each batch read them, one row per (post, batch), in
    one column contract; int_post_days_dated dates them. A new platform adds one CTE and one
    `union all`. -#}
{%- set post_observation_columns = [
    'platform', 'account_id', 'post_id', 'published_date', 'batch_interval_start', 'extracted_at',
    'lifetime_likes',
    'lifetime_comments', 'lifetime_shares', 'lifetime_saves', 'lifetime_views',
] | join(', ') -%}

with

instagram as (

    select {{ post_observation_columns }}
    from {{ ref('int_instagram__post_observations_conformed') }}

),

facebook as (

    select {{ post_observation_columns }}
    from {{ ref('int_facebook__post_observations_conformed') }}

),

x as (

    select {{ post_observation_columns }}
    from {{ ref('int_x__post_observations_conformed') }}

),

linkedin as (

    select {{ post_observation_columns }}
    from {{ ref('int_linkedin__post_observations_conformed') }}

),

youtube as (

    select {{ post_observation_columns }}
    from {{ ref('int_youtube__post_observations_conformed') }}

),

tiktok as (

    select {{ post_observation_columns }}
    from {{ ref('int_tiktok__post_observations_conformed') }}

),

final as (

    select * from instagram
    union all
    select * from facebook
    union all
    select * from x
    union all
    select * from linkedin
    union all
    select * from youtube
    union all
    select * from tiktok

)

select * from final
