{#- X lifetime counters per (post, day): the value at the end of `metric_date`, mapped as in
    int_x__posts_conformed. An observation extracted on local day s stands for the end of day
    s - 1 (the run reads just after midnight), but never for a day before the post was published;
    the latest extraction wins per day. Replies to others are not posts (see int_x__posts_conformed). -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

post_observations as (

    select * from {{ ref('stg_x__post_observations') }}

),

posts as (

    select * from {{ ref('int_x__posts_conformed') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'x'

),

observations as (

    select
        post_observations.post_id,
        posts.account_id,
        posts.published_date,
        post_observations.likes,
        post_observations.replies,
        post_observations.retweets,
        post_observations.quotes,
        post_observations.bookmarks,
        post_observations.impressions,
        post_observations.extracted_at,
        {{ add_days(-1, to_local_date('post_observations.extracted_at', account_timezone)) }} as observed_date

    from post_observations
    inner join posts
        on post_observations.post_id = posts.post_id
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
        'x' as platform,
        account_id,
        post_id,
        metric_date,
        published_date,
        cast(likes as {{ dbt.type_bigint() }}) as lifetime_likes,
        cast(replies as {{ dbt.type_bigint() }}) as lifetime_comments,
        cast(
            case
                when coalesce(retweets, quotes) is not null then coalesce(retweets, 0) + coalesce(quotes, 0)
            end as {{ dbt.type_bigint() }}
        ) as lifetime_shares,
        cast(bookmarks as {{ dbt.type_bigint() }}) as lifetime_saves,
        cast(impressions as {{ dbt.type_bigint() }}) as lifetime_views

    from observations_latest
    where row_rank = 1

)

select * from final
