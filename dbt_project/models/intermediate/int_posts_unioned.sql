{#- Every platform's posts in one column contract; a new platform adds one CTE and one
    `union all`. -#}
{%- set post_columns = [
    'platform', 'account_id', 'post_id', 'published_at', 'published_date', 'post_format',
    'permalink', 'caption', 'utm_campaign', 'likes', 'comments', 'shares', 'saves',
    'engagements', 'views', 'reach',
] | join(', ') -%}

with

instagram as (

    select {{ post_columns }}
    from {{ ref('int_instagram__posts_conformed') }}

),

facebook as (

    select {{ post_columns }}
    from {{ ref('int_facebook__posts_conformed') }}

),

x as (

    select {{ post_columns }}
    from {{ ref('int_x__posts_conformed') }}

),

linkedin as (

    select {{ post_columns }}
    from {{ ref('int_linkedin__posts_conformed') }}

),

youtube as (

    select {{ post_columns }}
    from {{ ref('int_youtube__posts_conformed') }}

),

tiktok as (

    select {{ post_columns }}
    from {{ ref('int_tiktok__posts_conformed') }}

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
