{#- Facebook comments conformed to the comment contract of int_comments_unioned: one row per
    top-level comment by someone else on the page's posts, with the time of the page's first
    reply. A comment or reply is the page's when `from.id` is the page id (the account id); a
    comment whose author Graph hides (no `from`) counts as someone else's. Replies by other users
    are not counted. -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

comments as (

    select * from {{ ref('stg_facebook__comments') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'facebook'

),

received as (

    select *
    from comments
    where
        not is_reply
        and (author_id is null or author_id <> account_id)

),

brand_replies as (

    select
        account_id,
        parent_comment_id,
        min(commented_at) as first_reply_at

    from comments
    where
        is_reply
        and author_id = account_id
    group by account_id, parent_comment_id

),

final as (

    select
        'facebook' as platform,
        received.account_id,
        received.comment_id,
        received.post_id,
        received.author_id,
        received.commented_at as received_at,
        {{ to_local_date('received.commented_at', account_timezone) }} as received_date,
        brand_replies.first_reply_at

    from received
    left join brand_replies
        on
            received.account_id = brand_replies.account_id
            and received.comment_id = brand_replies.parent_comment_id
    left join accounts
        on received.account_id = accounts.account_id

)

select * from final
