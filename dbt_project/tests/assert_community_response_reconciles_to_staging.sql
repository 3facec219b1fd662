-- fct_community_response counts, per platform and account, every staged comment received from
-- someone else: Instagram and Facebook top-level comments whose author is not the account (its
-- snapshot usernames / the page id), X mentions not written by the account. No day has more
-- replied than received comments.
with

instagram_usernames as (

    select distinct
        account_id,
        lower(username) as username
    from {{ ref('stg_instagram__account_snapshots') }}
    where username is not null

),

instagram as (

    select
        'instagram' as platform,
        comments.account_id,
        count(*) as comments_received
    from {{ ref('stg_instagram__comments') }} as comments
    left join instagram_usernames
        on
            comments.account_id = instagram_usernames.account_id
            and lower(comments.username) = instagram_usernames.username
    where
        not comments.is_reply
        and instagram_usernames.username is null
    group by comments.account_id

),

facebook as (

    select
        'facebook' as platform,
        account_id,
        count(*) as comments_received
    from {{ ref('stg_facebook__comments') }}
    where
        not is_reply
        and (author_id is null or author_id <> account_id)
    group by account_id

),

x as (

    select
        'x' as platform,
        account_id,
        count(*) as comments_received
    from {{ ref('stg_x__mentions') }}
    where author_id is null or author_id <> account_id
    group by account_id

),

staged as (

    select * from instagram
    union all
    select * from facebook
    union all
    select * from x

),

mart as (

    select
        platform,
        account_id,
        sum(comments_received) as comments_received,
        max(case when comments_replied > comments_received then 1 else 0 end) as has_day_over_received
    from {{ ref('fct_community_response') }}
    group by platform, account_id

),

final as (

    select
        staged.comments_received as staged_comments_received,
        mart.comments_received as mart_comments_received,
        mart.has_day_over_received,
        coalesce(staged.platform, mart.platform) as platform,
        coalesce(staged.account_id, mart.account_id) as account_id
    from staged
    full outer join mart
        on
            staged.platform = mart.platform
            and staged.account_id = mart.account_id
    where
        coalesce(staged.comments_received, 0) <> coalesce(mart.comments_received, 0)
        or mart.has_day_over_received = 1

)

select * from final
