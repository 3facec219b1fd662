{#- Facebook lifetime post counters per (post, day): reactions, comments and shares from the posts
    batch, views (post_media_view) from the post insights batch of the same day. An observation
    extracted on local day s stands for the end of day s - 1 (the run reads just after midnight),
    but never for a day before the post was published; the latest extraction wins per day. -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
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

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'facebook'

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
        coalesce(post_observations.extracted_at, insights_by_batch.extracted_at) as extracted_at

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
        {{ add_days(-1, to_local_date('batches.extracted_at', account_timezone)) }} as observed_date

    from batches
    inner join posts
        on batches.post_id = posts.post_id
    left join accounts
        on posts.account_id = accounts.account_id

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
        'facebook' as platform,
        account_id,
        post_id,
        metric_date,
        published_date,
        cast(reactions as {{ dbt.type_bigint() }}) as lifetime_likes,
        cast(comments as {{ dbt.type_bigint() }}) as lifetime_comments,
        cast(shares as {{ dbt.type_bigint() }}) as lifetime_shares,
        cast(null as {{ dbt.type_bigint() }}) as lifetime_saves,
        cast(views as {{ dbt.type_bigint() }}) as lifetime_views

    from observations_latest
    where row_rank = 1

)

select * from final
