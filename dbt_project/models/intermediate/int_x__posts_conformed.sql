{#- X posts conformed to the post contract of int_posts_unioned: the account's own posts with
    their latest public_metrics. Replies to other users (answers to mentions) are community care,
    not content, and stay out (they count in fct_community_response). Mapping: likes = like_count,
    comments = reply_count, shares = retweet_count + quote_count, saves = bookmark_count,
    views = impression_count; no reach. X post engagements = likes + retweets + quotes + replies
    + bookmarks. -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

posts as (

    select * from {{ ref('stg_x__posts') }}
    where not is_reply_to_others

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'x'

),

final as (

    select
        'x' as platform,
        posts.account_id,
        posts.post_id,
        posts.published_at,
        posts.post_format,
        posts.permalink,
        posts.post_text as caption,
        posts.utm_campaign,
        {{ to_local_date('posts.published_at', account_timezone) }} as published_date,
        cast(posts.likes as {{ dbt.type_bigint() }}) as likes,
        cast(posts.replies as {{ dbt.type_bigint() }}) as comments,
        cast(
            case
                when coalesce(posts.retweets, posts.quotes) is not null
                    then coalesce(posts.retweets, 0) + coalesce(posts.quotes, 0)
            end as {{ dbt.type_bigint() }}
        ) as shares,
        cast(posts.bookmarks as {{ dbt.type_bigint() }}) as saves,
        cast(
            coalesce(posts.likes, 0) + coalesce(posts.replies, 0) + coalesce(posts.retweets, 0)
            + coalesce(posts.quotes, 0) + coalesce(posts.bookmarks, 0)
            as {{ dbt.type_bigint() }}
        ) as engagements,
        cast(posts.impressions as {{ dbt.type_bigint() }}) as views,
        cast(null as {{ dbt.type_bigint() }}) as reach

    from posts
    left join accounts
        on posts.account_id = accounts.account_id

)

select * from final
