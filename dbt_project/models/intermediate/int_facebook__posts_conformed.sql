{#- Facebook posts conformed to the post contract of int_posts_unioned: one row per post with its
    latest lifetime counters. likes = reactions (every reaction type), shares = shares.count (0
    when absent), views = post_media_view, reach = post_total_media_view_unique (latest post
    insights). Facebook post engagements = reactions + comments + shares. -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

posts as (

    select * from {{ ref('stg_facebook__posts') }}

),

post_insights as (

    select * from {{ ref('stg_facebook__post_insights') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'facebook'

),

insights_latest as (

    select
        post_id,
        metric_name,
        metric_value,
        row_number() over (
            partition by post_id, metric_name
            order by extracted_at desc, batch_interval_start desc
        ) as row_rank

    from post_insights

),

insights_pivoted as (

    select
        post_id,
        max(case when metric_name = 'post_media_view' then metric_value end) as views,
        max(case when metric_name = 'post_total_media_view_unique' then metric_value end) as reach

    from insights_latest
    where row_rank = 1
    group by post_id

),

final as (

    select
        'facebook' as platform,
        posts.account_id,
        posts.post_id,
        posts.published_at,
        posts.post_format,
        posts.permalink,
        posts.message as caption,
        posts.utm_campaign,
        {{ to_local_date('posts.published_at', account_timezone) }} as published_date,
        cast(posts.reactions as {{ dbt.type_bigint() }}) as likes,
        cast(posts.comments as {{ dbt.type_bigint() }}) as comments,
        cast(posts.shares as {{ dbt.type_bigint() }}) as shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        cast(
            coalesce(posts.reactions, 0) + coalesce(posts.comments, 0) + coalesce(posts.shares, 0)
            as {{ dbt.type_bigint() }}
        ) as engagements,
        cast(insights_pivoted.views as {{ dbt.type_bigint() }}) as views,
        cast(insights_pivoted.reach as {{ dbt.type_bigint() }}) as reach

    from posts
    left join insights_pivoted
        on posts.post_id = insights_pivoted.post_id
    left join accounts
        on posts.account_id = accounts.account_id

)

select * from final
