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

final as (

    select * from instagram

)

select * from final
