{#- Instagram lifetime media counters as each media insights batch read them, one row per (media,
    extraction), renamed to the contract of int_post_observations_unioned. The day an observation
    stands for is set once, in int_post_days_dated. -#}
with

media_insights as (

    select * from {{ ref('stg_instagram__media_insights') }}

),

posts as (

    select * from {{ ref('int_instagram__posts_conformed') }}

),

observations as (

    select
        media_id,
        batch_interval_start,
        extracted_at,
        max(case when metric_name = 'likes' then metric_value end) as likes,
        max(case when metric_name = 'comments' then metric_value end) as comments,
        max(case when metric_name = 'shares' then metric_value end) as shares,
        max(case when metric_name = 'saved' then metric_value end) as saves,
        max(case when metric_name = 'views' then metric_value end) as views

    from media_insights
    group by media_id, batch_interval_start, extracted_at

),

final as (

    select
        'instagram' as platform,
        posts.account_id,
        observations.media_id as post_id,
        posts.published_date,
        observations.batch_interval_start,
        observations.extracted_at,
        cast(observations.likes as {{ dbt.type_bigint() }}) as lifetime_likes,
        cast(observations.comments as {{ dbt.type_bigint() }}) as lifetime_comments,
        cast(observations.shares as {{ dbt.type_bigint() }}) as lifetime_shares,
        cast(observations.saves as {{ dbt.type_bigint() }}) as lifetime_saves,
        cast(observations.views as {{ dbt.type_bigint() }}) as lifetime_views

    from observations
    inner join posts
        on observations.media_id = posts.post_id

)

select * from final
