{#- One row per (platform, post, hashtag) found in a post's caption (a tag used twice in one caption
    counts once). Parsing rules: macros/hashtags.sql (Unicode letters, digits, underscores and
    zero-width non-joiners; URL fragments are not tags; Latin folded to lower case). -#}
with

posts as (

    select * from {{ ref('int_posts_unioned') }}

),

tags as (

    select
        posts.platform,
        posts.account_id,
        posts.post_id,
        {{ normalize_hashtag('matched.tag') }} as hashtag

    from posts
    cross join {{ hashtag_matches('posts.caption', 'matched') }}
    where posts.caption is not null

),

final as (

    select distinct
        platform,
        account_id,
        post_id,
        hashtag

    from tags

)

select * from final
