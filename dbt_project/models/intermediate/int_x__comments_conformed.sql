{#- X mentions conformed to the comment contract of int_comments_unioned: one row per post by
    someone else that mentions the account. The brand's answer is its first post (from the posts
    stream, which includes replies) in the mention's conversation replying to the mention's author,
    published after the mention. Mentions are not attached to a post of the account (post_id null). -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

mentions as (

    select * from {{ ref('stg_x__mentions') }}

),

posts as (

    select * from {{ ref('stg_x__posts') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'x'

),

received as (

    select *
    from mentions
    where author_id is null or author_id <> account_id

),

brand_replies as (

    select
        received.account_id,
        received.mention_id,
        min(posts.published_at) as first_reply_at

    from received
    inner join posts
        on
            received.account_id = posts.account_id
            and received.conversation_id = posts.conversation_id
            and received.author_id = posts.in_reply_to_user_id
            and received.mentioned_at <= posts.published_at
    group by received.account_id, received.mention_id

),

final as (

    select
        'x' as platform,
        received.account_id,
        received.mention_id as comment_id,
        cast(null as {{ dbt.type_string() }}) as post_id,
        received.author_id,
        received.mentioned_at as received_at,
        {{ to_local_date('received.mentioned_at', account_timezone) }} as received_date,
        brand_replies.first_reply_at

    from received
    left join brand_replies
        on
            received.account_id = brand_replies.account_id
            and received.mention_id = brand_replies.mention_id
    left join accounts
        on received.account_id = accounts.account_id

)

select * from final
