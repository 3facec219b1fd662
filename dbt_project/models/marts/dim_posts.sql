with

posts as (

    select * from {{ ref('int_posts_unioned') }}

),

final as (

    select
        platform,
        post_id,
        account_id,
        published_at,
        published_date,
        post_format,
        permalink,
        caption,
        utm_campaign

    from posts

)

select * from final
