{#- YouTube videos conformed to the post contract of int_posts_unioned, with the latest lifetime
    counters of the Data API (likes, comments, views; it has no lifetime shares). The caption is
    the title; the campaign comes from the description's link. YouTube post engagements = likes +
    comments. -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

videos as (

    select * from {{ ref('stg_youtube__videos') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'youtube'

),

final as (

    select
        'youtube' as platform,
        videos.account_id,
        videos.video_id as post_id,
        videos.published_at,
        'video' as post_format,
        videos.permalink,
        videos.title as caption,
        videos.utm_campaign,
        {{ to_local_date('videos.published_at', account_timezone) }} as published_date,
        cast(videos.likes as {{ dbt.type_bigint() }}) as likes,
        cast(videos.comments as {{ dbt.type_bigint() }}) as comments,
        cast(null as {{ dbt.type_bigint() }}) as shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        cast(coalesce(videos.likes, 0) + coalesce(videos.comments, 0) as {{ dbt.type_bigint() }}) as engagements,
        cast(videos.views as {{ dbt.type_bigint() }}) as views,
        cast(null as {{ dbt.type_bigint() }}) as reach

    from videos
    left join accounts
        on videos.account_id = accounts.account_id

)

select * from final
