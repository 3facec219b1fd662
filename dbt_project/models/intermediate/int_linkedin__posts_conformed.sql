{#- LinkedIn posts conformed to the post contract of int_posts_unioned, with the latest lifetime
    post statistics: likes = likeCount (reactions), comments, shares, views = impressionCount,
    reach = uniqueImpressionsCount. LinkedIn post engagements = likes + comments + shares (clicks
    are not an engagement here, unlike LinkedIn's own `engagement` rate). -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

posts as (

    select * from {{ ref('stg_linkedin__posts') }}

),

post_statistics as (

    select * from {{ ref('stg_linkedin__post_statistics') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'linkedin'

),

statistics_latest as (

    select
        *,
        row_number() over (
            partition by post_id
            order by extracted_at desc, batch_interval_start desc
        ) as row_rank

    from post_statistics

),

final as (

    select
        'linkedin' as platform,
        posts.account_id,
        posts.post_id,
        posts.published_at,
        posts.post_format,
        posts.permalink,
        posts.commentary as caption,
        posts.utm_campaign,
        {{ to_local_date('posts.published_at', account_timezone) }} as published_date,
        cast(statistics_latest.likes as {{ dbt.type_bigint() }}) as likes,
        cast(statistics_latest.comments as {{ dbt.type_bigint() }}) as comments,
        cast(statistics_latest.shares as {{ dbt.type_bigint() }}) as shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        cast(
            coalesce(statistics_latest.likes, 0) + coalesce(statistics_latest.comments, 0)
            + coalesce(statistics_latest.shares, 0)
            as {{ dbt.type_bigint() }}
        ) as engagements,
        cast(statistics_latest.impressions as {{ dbt.type_bigint() }}) as views,
        cast(statistics_latest.unique_impressions as {{ dbt.type_bigint() }}) as reach

    from posts
    left join statistics_latest
        on
            posts.post_id = statistics_latest.post_id
            and statistics_latest.row_rank = 1
    left join accounts
        on posts.account_id = accounts.account_id

)

select * from final
