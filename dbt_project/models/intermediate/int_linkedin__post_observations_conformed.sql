{#- LinkedIn lifetime post statistics as each batch read them, one row per (post, batch), renamed
    to the contract of int_post_observations_unioned: likes (reactions), comments, shares and
    impressions (views). Post statistics are lifetime totals read at extraction, so LinkedIn's two-day
    lag of the daily buckets does not apply to them. The day an observation stands for is set once,
    in int_post_days_dated. -#}
with

post_statistics as (

    select * from {{ ref('stg_linkedin__post_statistics') }}

),

posts as (

    select * from {{ ref('int_linkedin__posts_conformed') }}

),

observations as (

    select
        post_statistics.post_id,
        posts.account_id,
        posts.published_date,
        post_statistics.likes,
        post_statistics.comments,
        post_statistics.shares,
        post_statistics.impressions,
        post_statistics.extracted_at,
        post_statistics.batch_interval_start

    from post_statistics
    inner join posts
        on post_statistics.post_id = posts.post_id

),

final as (

    select
        'linkedin' as platform,
        account_id,
        post_id,
        published_date,
        batch_interval_start,
        extracted_at,
        cast(likes as {{ dbt.type_bigint() }}) as lifetime_likes,
        cast(comments as {{ dbt.type_bigint() }}) as lifetime_comments,
        cast(shares as {{ dbt.type_bigint() }}) as lifetime_shares,
        cast(null as {{ dbt.type_bigint() }}) as lifetime_saves,
        cast(impressions as {{ dbt.type_bigint() }}) as lifetime_views

    from observations

)

select * from final
