{#- Instagram comments conformed to the comment contract of int_comments_unioned: one row per
    top-level comment by someone else on the account's media, with the time of the brand's first
    reply. A comment or reply is the brand's when its username is one the account has had (the
    `username` of its account snapshots, compared case-insensitively). The brand's own top-level
    comments are not received comments; replies by other users are not counted. -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

comments as (

    select * from {{ ref('stg_instagram__comments') }}

),

snapshots as (

    select * from {{ ref('stg_instagram__account_snapshots') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'instagram'

),

brand_usernames as (

    select distinct
        account_id,
        lower(username) as username

    from snapshots
    where username is not null

),

received as (

    select comments.*
    from comments
    left join brand_usernames
        on
            comments.account_id = brand_usernames.account_id
            and lower(comments.username) = brand_usernames.username
    where
        not comments.is_reply
        and brand_usernames.username is null

),

brand_replies as (

    select
        comments.account_id,
        comments.parent_comment_id,
        min(comments.commented_at) as first_reply_at

    from comments
    inner join brand_usernames
        on
            comments.account_id = brand_usernames.account_id
            and lower(comments.username) = brand_usernames.username
    where comments.is_reply
    group by comments.account_id, comments.parent_comment_id

),

final as (

    select
        'instagram' as platform,
        received.account_id,
        received.comment_id,
        received.media_id as post_id,
        received.username as author_id,
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
