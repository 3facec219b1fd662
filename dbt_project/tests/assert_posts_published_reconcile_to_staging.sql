-- Every platform: posts_published in fct_account_kpis_daily counts every staged post published
-- (account's local day) within the account's history. X posts that reply to other users are
-- community care, not posts.
with

staged_posts as (

    select
        'instagram' as platform,
        account_id,
        media_id as post_id,
        published_at
    from {{ ref('stg_instagram__media') }}
    union all
    select
        'facebook' as platform,
        account_id,
        post_id,
        published_at
    from {{ ref('stg_facebook__posts') }}
    union all
    select
        'x' as platform,
        account_id,
        post_id,
        published_at
    from {{ ref('stg_x__posts') }}
    where not is_reply_to_others
    union all
    select
        'linkedin' as platform,
        account_id,
        post_id,
        published_at
    from {{ ref('stg_linkedin__posts') }}
    union all
    select
        'youtube' as platform,
        account_id,
        video_id as post_id,
        published_at
    from {{ ref('stg_youtube__videos') }}
    union all
    select
        'tiktok' as platform,
        account_id,
        video_id as post_id,
        published_at
    from {{ ref('stg_tiktok__videos') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}

),

mart as (

    select * from {{ ref('fct_account_kpis_daily') }}

),

history as (

    select
        platform,
        account_id,
        min(kpi_date) as first_kpi_date,
        max(kpi_date) as last_kpi_date,
        sum(posts_published) as posts_published
    from mart
    group by platform, account_id

),

staged as (

    select
        history.platform,
        history.account_id,
        history.posts_published,
        count(staged_posts.post_id) as staged_posts
    from history
    left join accounts
        on
            history.platform = accounts.source
            and history.account_id = accounts.account_id
    left join staged_posts
        on
            history.platform = staged_posts.platform
            and history.account_id = staged_posts.account_id
            and {{ to_local_date('staged_posts.published_at', "coalesce(accounts.timezone, 'UTC')") }}
            between history.first_kpi_date and history.last_kpi_date
    group by history.platform, history.account_id, history.posts_published

)

select * from staged
where posts_published <> staged_posts
