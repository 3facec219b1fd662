{#- Every platform's lifetime post counters per (post, day) in one column contract. -#}
{%- set post_day_columns = [
    'platform', 'account_id', 'post_id', 'metric_date', 'published_date', 'lifetime_likes',
    'lifetime_comments', 'lifetime_shares', 'lifetime_saves', 'lifetime_views',
] | join(', ') -%}

with

instagram as (

    select {{ post_day_columns }}
    from {{ ref('int_instagram__post_days_conformed') }}

),

facebook as (

    select {{ post_day_columns }}
    from {{ ref('int_facebook__post_days_conformed') }}

),

x as (

    select {{ post_day_columns }}
    from {{ ref('int_x__post_days_conformed') }}

),

linkedin as (

    select {{ post_day_columns }}
    from {{ ref('int_linkedin__post_days_conformed') }}

),

youtube as (

    select {{ post_day_columns }}
    from {{ ref('int_youtube__post_days_conformed') }}

),

tiktok as (

    select {{ post_day_columns }}
    from {{ ref('int_tiktok__post_days_conformed') }}

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
