-- Instagram: every post's lifetime likes, shares, saves and views in fct_post_performance are the
-- latest staged media insights, and its engagements their sum with comments.
with

latest_insights as (

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

staged as (

    select
        media_id,
        max(case when metric_name = 'likes' then metric_value end) as likes,
        max(case when metric_name = 'comments' then metric_value end) as comments,
        max(case when metric_name = 'shares' then metric_value end) as shares,
        max(case when metric_name = 'saved' then metric_value end) as saves,
        max(case when metric_name = 'views' then metric_value end) as views
    from latest_insights
    where row_rank = 1
    group by media_id

),

mart as (

    select * from {{ ref('fct_post_performance') }}
    where platform = 'instagram'

),

final as (

    select
        mart.post_id,
        mart.likes,
        staged.likes as staged_likes,
        mart.engagements,
        staged.likes + staged.comments + staged.shares + staged.saves as staged_engagements
    from mart
    inner join staged
        on mart.post_id = staged.media_id
    where
        mart.likes <> staged.likes
        or mart.shares <> staged.shares
        or mart.saves <> staged.saves
        or mart.views <> staged.views
        or mart.engagements <> staged.likes + staged.comments + staged.shares + staged.saves

)

select * from final
