-- Instagram: posts_published in fct_account_kpis_daily counts every staged media published
-- (account's local day) within the account's history.
with

media as (

    select * from {{ ref('stg_instagram__media') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'instagram'

),

mart as (

    select * from {{ ref('fct_account_kpis_daily') }}
    where platform = 'instagram'

),

history as (

    select
        account_id,
        min(kpi_date) as first_kpi_date,
        max(kpi_date) as last_kpi_date,
        sum(posts_published) as posts_published
    from mart
    group by account_id

),

staged as (

    select
        history.account_id,
        history.posts_published,
        count(media.media_id) as staged_posts
    from history
    left join accounts
        on history.account_id = accounts.account_id
    left join media
        on
            history.account_id = media.account_id
            and {{ to_local_date('media.published_at', "coalesce(accounts.timezone, 'UTC')") }}
            between history.first_kpi_date and history.last_kpi_date
    group by history.account_id, history.posts_published

)

select * from staged
where posts_published <> staged_posts
