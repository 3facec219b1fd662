{#- TikTok lifetime video counters as each batch read them, one row per (video, batch), renamed to
    the contract of int_post_observations_unioned. TikTok has no saves. The day an observation
    stands for is set once, in int_post_days_dated. -#}
with

video_observations as (

    select * from {{ ref('stg_tiktok__video_observations') }}

),

videos as (

    select * from {{ ref('int_tiktok__posts_conformed') }}

),

observations as (

    select
        video_observations.video_id as post_id,
        videos.account_id,
        videos.published_date,
        video_observations.likes,
        video_observations.comments,
        video_observations.shares,
        video_observations.views,
        video_observations.extracted_at,
        video_observations.batch_interval_start

    from video_observations
    inner join videos
        on video_observations.video_id = videos.post_id

),

final as (

    select
        'tiktok' as platform,
        account_id,
        post_id,
        published_date,
        batch_interval_start,
        extracted_at,
        cast(likes as {{ dbt.type_bigint() }}) as lifetime_likes,
        cast(comments as {{ dbt.type_bigint() }}) as lifetime_comments,
        cast(shares as {{ dbt.type_bigint() }}) as lifetime_shares,
        cast(null as {{ dbt.type_bigint() }}) as lifetime_saves,
        cast(views as {{ dbt.type_bigint() }}) as lifetime_views

    from observations

)

select * from final
