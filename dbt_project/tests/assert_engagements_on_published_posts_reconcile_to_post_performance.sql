-- Every platform: engagements_on_published_posts in fct_account_kpis_daily is, on each day of the
-- account's history, the sum of the lifetime engagements (fct_post_performance) of the posts
-- published that day, and 0 on a day without posts.
with

posts as (

    select
        platform,
        account_id,
        published_date,
        sum(engagements) as engagements
    from {{ ref('fct_post_performance') }}
    group by platform, account_id, published_date

),

mart as (

    select * from {{ ref('fct_account_kpis_daily') }}

),

final as (

    select
        mart.platform,
        mart.account_id,
        mart.kpi_date,
        mart.engagements_on_published_posts,
        posts.engagements as post_engagements
    from mart
    left join posts
        on
            mart.platform = posts.platform
            and mart.account_id = posts.account_id
            and mart.kpi_date = posts.published_date
    where mart.engagements_on_published_posts <> coalesce(posts.engagements, 0)

)

select * from final
