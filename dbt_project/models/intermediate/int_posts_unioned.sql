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

final as (

    select * from instagram

)

select * from final
