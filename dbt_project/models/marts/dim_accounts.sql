{#- One row per configured account of every source. username is the platform handle where a
    stream carries it: Instagram and X from their account snapshots, TikTok from the videos'
    share_url (https://www.tiktok.com/@handle/...); Facebook, LinkedIn and YouTube send none. -#}
with

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}

),

instagram_snapshots as (

    select * from {{ ref('stg_instagram__account_snapshots') }}

),

x_snapshots as (

    select * from {{ ref('stg_x__user_snapshots') }}

),

tiktok_videos as (

    select * from {{ ref('stg_tiktok__videos') }}

),

account_kpis as (

    select * from {{ ref('fct_account_kpis_daily') }}

),

usernames as (

    select
        'instagram' as platform,
        account_id,
        username,
        extracted_at
    from instagram_snapshots
    union all
    select
        'x' as platform,
        account_id,
        username,
        extracted_at
    from x_snapshots
    union all
    select
        'tiktok' as platform,
        account_id,
        username,
        extracted_at
    from tiktok_videos

),

profiles as (

    select
        platform,
        account_id,
        username,
        row_number() over (partition by platform, account_id order by extracted_at desc) as row_rank

    from usernames
    where username is not null

),

history as (

    select
        platform,
        account_id,
        min(kpi_date) as first_kpi_date,
        max(kpi_date) as last_kpi_date

    from account_kpis
    group by platform, account_id

),

latest_followers as (

    select
        account_kpis.platform,
        account_kpis.account_id,
        account_kpis.followers

    from account_kpis
    inner join history
        on
            account_kpis.platform = history.platform
            and account_kpis.account_id = history.account_id
            and account_kpis.kpi_date = history.last_kpi_date

),

final as (

    select
        accounts.source as platform,
        accounts.account_id,
        accounts.account_name,
        profiles.username,
        accounts.timezone,
        history.first_kpi_date,
        history.last_kpi_date,
        latest_followers.followers as latest_followers,
        accounts.source in ('ga4', 'plausible') as is_web_analytics

    from accounts
    left join profiles
        on
            accounts.source = profiles.platform
            and accounts.account_id = profiles.account_id
            and profiles.row_rank = 1
    left join history
        on
            accounts.source = history.platform
            and accounts.account_id = history.account_id
    left join latest_followers
        on
            accounts.source = latest_followers.platform
            and accounts.account_id = latest_followers.account_id

)

select * from final
