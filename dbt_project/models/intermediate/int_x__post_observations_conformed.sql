{#- X lifetime post counters as each posts batch read them, one row per (post, batch), renamed to
    the contract of int_post_observations_unioned and mapped as in int_x__posts_conformed. Replies
    to others are not posts (see int_x__posts_conformed). The day an observation stands for is set
    once, in int_post_days_dated. -#}
with

post_observations as (

    select * from {{ ref('stg_x__post_observations') }}

),

posts as (

    select * from {{ ref('int_x__posts_conformed') }}

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
        post_observations.batch_interval_start

    from post_observations
    inner join posts
        on post_observations.post_id = posts.post_id

),

final as (

    select
        'x' as platform,
        account_id,
        post_id,
        published_date,
        batch_interval_start,
        extracted_at,
        cast(likes as {{ dbt.type_bigint() }}) as lifetime_likes,
        cast(replies as {{ dbt.type_bigint() }}) as lifetime_comments,
        cast(
            case
                when coalesce(retweets, quotes) is not null then coalesce(retweets, 0) + coalesce(quotes, 0)
            end as {{ dbt.type_bigint() }}
        ) as lifetime_shares,
        cast(bookmarks as {{ dbt.type_bigint() }}) as lifetime_saves,
        cast(impressions as {{ dbt.type_bigint() }}) as lifetime_views

    from observations

)

select * from final
