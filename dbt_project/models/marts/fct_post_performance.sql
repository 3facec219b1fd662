with

posts as (

    select * from {{ ref('int_posts_unioned') }}

),

account_days as (

    select * from {{ ref('int_account_followers_reconstructed') }}

),

final as (

    select
        posts.platform,
        posts.post_id,
        posts.account_id,
        posts.published_at,
        posts.published_date,
        posts.post_format,
        posts.permalink,
        posts.utm_campaign,
        posts.likes,
        posts.comments,
        posts.shares,
        posts.saves,
        posts.views,
        posts.reach,
        posts.engagements,
        account_days.followers as followers_at_publish,
        substring(posts.caption from 1 for 100) as caption_excerpt,
        {{ rate('posts.engagements', 'account_days.followers') }} as engagement_rate_by_followers,
        {{ rate('posts.engagements', 'posts.reach') }} as engagement_rate_by_reach,
        {{ rate('posts.engagements', 'posts.views') }} as engagement_rate_by_views

    from posts
    left join account_days
        on
            posts.platform = account_days.platform
            and posts.account_id = account_days.account_id
            and posts.published_date = account_days.kpi_date

)

select * from final
