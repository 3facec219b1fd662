{#- TikTok lifetime video counters per (video, day): the value at the end of `metric_date`.
    An observation extracted on local day s stands for the end of day s - 1 (the run reads just
    after midnight), but never for a day before the video was published; the latest extraction
    wins per day. TikTok has no saves. -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

video_observations as (

    select * from {{ ref('stg_tiktok__video_observations') }}

),

videos as (

    select * from {{ ref('int_tiktok__posts_conformed') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'tiktok'

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
        {{ add_days(-1, to_local_date('video_observations.extracted_at', account_timezone)) }} as observed_date

    from video_observations
    inner join videos
        on video_observations.video_id = videos.post_id
    left join accounts
        on videos.account_id = accounts.account_id

),

observations_dated as (

    select
        *,
        case when observed_date < published_date then published_date else observed_date end as metric_date

    from observations

),

observations_latest as (

    select
        *,
        row_number() over (partition by post_id, metric_date order by extracted_at desc) as row_rank

    from observations_dated

),

final as (

    select
        'tiktok' as platform,
        account_id,
        post_id,
        metric_date,
        published_date,
        cast(likes as {{ dbt.type_bigint() }}) as lifetime_likes,
        cast(comments as {{ dbt.type_bigint() }}) as lifetime_comments,
        cast(shares as {{ dbt.type_bigint() }}) as lifetime_shares,
        cast(null as {{ dbt.type_bigint() }}) as lifetime_saves,
        cast(views as {{ dbt.type_bigint() }}) as lifetime_views

    from observations_latest
    where row_rank = 1

)

select * from final
