{#- Instagram media conformed to the post contract of int_posts_unioned: one row per post with
    its latest lifetime counters (media insights; the media list's like/comment counts when the
    insights are missing). Instagram post engagements = likes + comments + shares + saves. -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

media as (

    select * from {{ ref('stg_instagram__media') }}

),

media_insights as (

    select * from {{ ref('stg_instagram__media_insights') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'instagram'

),

insights_latest as (

    select
        media_id,
        metric_name,
        metric_value,
        row_number() over (
            partition by media_id, metric_name
            order by extracted_at desc, batch_interval_start desc
        ) as row_rank

    from media_insights

),

insights_pivoted as (

    select
        media_id,
        max(case when metric_name = 'likes' then metric_value end) as likes,
        max(case when metric_name = 'comments' then metric_value end) as comments,
        max(case when metric_name = 'shares' then metric_value end) as shares,
        max(case when metric_name = 'saved' then metric_value end) as saves,
        max(case when metric_name = 'views' then metric_value end) as views,
        max(case when metric_name = 'reach' then metric_value end) as reach

    from insights_latest
    where row_rank = 1
    group by media_id

),

final as (

    select
        'instagram' as platform,
        media.account_id,
        media.media_id as post_id,
        media.published_at,
        media.post_format,
        media.permalink,
        media.caption,
        media.utm_campaign,
        {{ to_local_date('media.published_at', account_timezone) }} as published_date,
        cast(coalesce(insights_pivoted.likes, media.likes) as {{ dbt.type_bigint() }}) as likes,
        cast(coalesce(insights_pivoted.comments, media.comments) as {{ dbt.type_bigint() }}) as comments,
        cast(insights_pivoted.shares as {{ dbt.type_bigint() }}) as shares,
        cast(insights_pivoted.saves as {{ dbt.type_bigint() }}) as saves,
        cast(
            coalesce(insights_pivoted.likes, media.likes, 0)
            + coalesce(insights_pivoted.comments, media.comments, 0)
            + coalesce(insights_pivoted.shares, 0)
            + coalesce(insights_pivoted.saves, 0)
            as {{ dbt.type_bigint() }}
        ) as engagements,
        cast(insights_pivoted.views as {{ dbt.type_bigint() }}) as views,
        cast(insights_pivoted.reach as {{ dbt.type_bigint() }}) as reach

    from media
    left join insights_pivoted
        on media.media_id = insights_pivoted.media_id
    left join accounts
        on media.account_id = accounts.account_id

)

select * from final
