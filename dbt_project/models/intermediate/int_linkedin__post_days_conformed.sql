{#- LinkedIn lifetime post statistics per (post, day): likes (reactions), comments, shares and
    impressions (views). An observation extracted on local day s stands for the end of day s - 1
    (the run reads just after midnight), but never for a day before the post was published; the
    latest extraction wins per day. Post statistics are lifetime totals read at extraction, so
    LinkedIn's two-day lag of the daily buckets does not apply to them. -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

post_statistics as (

    select * from {{ ref('stg_linkedin__post_statistics') }}

),

posts as (

    select * from {{ ref('int_linkedin__posts_conformed') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'linkedin'

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
        {{ add_days(-1, to_local_date('post_statistics.extracted_at', account_timezone)) }} as observed_date

    from post_statistics
    inner join posts
        on post_statistics.post_id = posts.post_id
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
        'linkedin' as platform,
        account_id,
        post_id,
        metric_date,
        published_date,
        cast(likes as {{ dbt.type_bigint() }}) as lifetime_likes,
        cast(comments as {{ dbt.type_bigint() }}) as lifetime_comments,
        cast(shares as {{ dbt.type_bigint() }}) as lifetime_shares,
        cast(null as {{ dbt.type_bigint() }}) as lifetime_saves,
        cast(impressions as {{ dbt.type_bigint() }}) as lifetime_views

    from observations_latest
    where row_rank = 1

)

select * from final
