-- Every platform: each post's lifetime counters in fct_post_performance are its latest staged
-- values, and its engagements their sum (missing components counting 0):
-- Instagram media insights (likes, comments, shares, saved, views); Facebook reactions, comments,
-- shares; X likes, replies, retweets + quotes, bookmarks, impressions; LinkedIn latest post
-- statistics (likes, comments, shares, impressions); YouTube and TikTok video counters.
with

instagram_latest as (

    select
        media_id,
        metric_name,
        metric_value,
        row_number() over (
            partition by media_id, metric_name
            order by extracted_at desc, batch_interval_start desc
        ) as row_rank
    from {{ ref('stg_instagram__media_insights') }}

),

instagram as (

    select
        'instagram' as platform,
        media_id as post_id,
        max(case when metric_name = 'likes' then metric_value end) as likes,
        max(case when metric_name = 'comments' then metric_value end) as comments,
        max(case when metric_name = 'shares' then metric_value end) as shares,
        max(case when metric_name = 'saved' then metric_value end) as saves,
        max(case when metric_name = 'views' then metric_value end) as views
    from instagram_latest
    where row_rank = 1
    group by media_id

),

facebook as (

    select
        'facebook' as platform,
        post_id,
        reactions as likes,
        comments,
        shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        cast(null as {{ dbt.type_bigint() }}) as views
    from {{ ref('stg_facebook__posts') }}

),

x as (

    select
        'x' as platform,
        post_id,
        likes,
        replies as comments,
        retweets + quotes as shares,
        bookmarks as saves,
        impressions as views
    from {{ ref('stg_x__posts') }}
    where not is_reply_to_others

),

linkedin_latest as (

    select
        *,
        row_number() over (
            partition by post_id
            order by extracted_at desc, batch_interval_start desc
        ) as row_rank
    from {{ ref('stg_linkedin__post_statistics') }}

),

linkedin as (

    select
        'linkedin' as platform,
        post_id,
        likes,
        comments,
        shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        impressions as views
    from linkedin_latest
    where row_rank = 1

),

youtube as (

    select
        'youtube' as platform,
        video_id as post_id,
        likes,
        comments,
        cast(null as {{ dbt.type_bigint() }}) as shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        views
    from {{ ref('stg_youtube__videos') }}

),

tiktok as (

    select
        'tiktok' as platform,
        video_id as post_id,
        likes,
        comments,
        shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        views
    from {{ ref('stg_tiktok__videos') }}

),

staged as (

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

),

mart as (

    select * from {{ ref('fct_post_performance') }}

),

final as (

    select
        mart.platform,
        mart.post_id,
        mart.likes,
        staged.likes as staged_likes,
        mart.engagements,
        coalesce(staged.likes, 0) + coalesce(staged.comments, 0) + coalesce(staged.shares, 0)
        + coalesce(staged.saves, 0) as staged_engagements
    from mart
    inner join staged
        on
            mart.platform = staged.platform
            and mart.post_id = staged.post_id
    where
        mart.likes <> staged.likes
        or mart.comments <> staged.comments
        or mart.shares <> staged.shares
        or mart.saves <> staged.saves
        or mart.views <> staged.views
        or mart.engagements
        <> coalesce(staged.likes, 0) + coalesce(staged.comments, 0) + coalesce(staged.shares, 0)
        + coalesce(staged.saves, 0)

)

select * from final
