{#- Facebook lifetime post counters as each batch read them, one row per (post, batch), renamed to
    the contract of int_post_observations_unioned: reactions, comments and shares from the posts
    batch, views (post_media_view) from the post insights batch of the same day. The day an
    observation stands for is set once, in int_post_days_dated. -#}
with

post_observations as (

    select * from {{ ref('stg_facebook__post_observations') }}

),

post_insights as (

    select * from {{ ref('stg_facebook__post_insights') }}

),

posts as (

    select * from {{ ref('int_facebook__posts_conformed') }}

),

insights_by_batch as (

    select
        post_id,
        batch_interval_start,
        max(extracted_at) as extracted_at,
        max(case when metric_name = 'post_media_view' then metric_value end) as views

    from post_insights
    group by post_id, batch_interval_start

),

batches as (

    select
        post_observations.reactions,
        post_observations.comments,
        post_observations.shares,
        insights_by_batch.views,
        coalesce(post_observations.post_id, insights_by_batch.post_id) as post_id,
        coalesce(post_observations.extracted_at, insights_by_batch.extracted_at) as extracted_at,
        coalesce(post_observations.batch_interval_start, insights_by_batch.batch_interval_start)
            as batch_interval_start

    from post_observations
    full outer join insights_by_batch
        on
            post_observations.post_id = insights_by_batch.post_id
            and post_observations.batch_interval_start = insights_by_batch.batch_interval_start

),

observations as (

    select
        batches.post_id,
        posts.account_id,
        posts.published_date,
        batches.reactions,
        batches.comments,
        batches.shares,
        batches.views,
        batches.extracted_at,
        batches.batch_interval_start

    from batches
    inner join posts
        on batches.post_id = posts.post_id

),

final as (

    select
        'facebook' as platform,
        account_id,
        post_id,
        published_date,
        batch_interval_start,
        extracted_at,
        cast(reactions as {{ dbt.type_bigint() }}) as lifetime_likes,
        cast(comments as {{ dbt.type_bigint() }}) as lifetime_comments,
        cast(shares as {{ dbt.type_bigint() }}) as lifetime_shares,
        cast(null as {{ dbt.type_bigint() }}) as lifetime_saves,
        cast(views as {{ dbt.type_bigint() }}) as lifetime_views

    from observations

)

select * from final
