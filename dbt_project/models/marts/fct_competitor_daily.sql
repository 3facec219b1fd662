{#- The user's accounts and their competitors side by side: one row per (platform, snapshot_date,
    account_ref) on every day a competitor of the platform was read. account_ref is the account id
    (own accounts) or the configured handle (competitors). Public counters only, the same for both:
    followers (own: fct_account_kpis_daily of the day; competitors: the profile read for the day),
    follower_change against the account's previous row here, and over the posts published in the
    competitor_post_window_days days ending on the snapshot date (UTC publish dates): posts,
    public engagements (Instagram and YouTube likes + comments, X likes + replies + retweets +
    quotes; never saves, shares or reach, which other accounts do not show), engagements per post,
    engagement rate = engagements per post / followers, and share of voice = the account's public
    engagements / those of every account of the platform that day. Own posts' counters are the
    latest extraction (fct_post_performance), competitors' those read that day. -#}
{%- set window_days = var('competitor_post_window_days') | int -%}
with

profiles as (

    select * from {{ ref('stg_competitors__profiles') }}

),

competitor_posts as (

    select * from {{ ref('stg_competitors__posts') }}

),

account_kpis as (

    select * from {{ ref('fct_account_kpis_daily') }}

),

own_posts as (

    select * from {{ ref('fct_post_performance') }}

),

platform_days as (

    select distinct
        platform,
        snapshot_date

    from profiles

),

own_accounts as (

    select
        account_kpis.platform,
        account_kpis.kpi_date as snapshot_date,
        account_kpis.account_id as account_ref,
        account_kpis.account_name,
        true as is_own_account,
        account_kpis.followers

    from account_kpis
    inner join platform_days
        on
            account_kpis.platform = platform_days.platform
            and account_kpis.kpi_date = platform_days.snapshot_date

),

competitor_accounts as (

    select
        platform,
        snapshot_date,
        handle as account_ref,
        display_name as account_name,
        false as is_own_account,
        followers

    from profiles

),

accounts as (

    select * from own_accounts
    union all
    select * from competitor_accounts

),

own_post_engagements as (

    select
        own_accounts.platform,
        own_accounts.snapshot_date,
        own_accounts.account_ref,
        count(own_posts.post_id) as posts,
        sum(
            coalesce(own_posts.likes, 0) + coalesce(own_posts.comments, 0)
            + case when own_posts.platform = 'x' then coalesce(own_posts.shares, 0) else 0 end
        ) as public_engagements

    from own_accounts
    inner join own_posts
        on
            own_accounts.platform = own_posts.platform
            and own_accounts.account_ref = own_posts.account_id
            and cast(own_posts.published_at at time zone 'UTC' as date)
            between {{ add_days(-(window_days - 1), 'own_accounts.snapshot_date') }}
            and own_accounts.snapshot_date
    group by own_accounts.platform, own_accounts.snapshot_date, own_accounts.account_ref

),

competitor_post_engagements as (

    select
        platform,
        snapshot_date,
        handle as account_ref,
        count(post_id) as posts,
        sum(
            coalesce(likes, 0) + coalesce(comments, 0)
            + case when platform = 'x' then coalesce(shares, 0) else 0 end
        ) as public_engagements

    from competitor_posts
    where
        cast(published_at at time zone 'UTC' as date)
        between {{ add_days(-(window_days - 1), 'snapshot_date') }} and snapshot_date
    group by platform, snapshot_date, handle

),

engagements as (

    select * from own_post_engagements
    union all
    select * from competitor_post_engagements

),

combined as (

    select
        accounts.platform,
        accounts.snapshot_date,
        accounts.account_ref,
        accounts.account_name,
        accounts.is_own_account,
        accounts.followers,
        coalesce(engagements.posts, 0) as posts,
        coalesce(engagements.public_engagements, 0) as public_engagements,
        accounts.followers - lag(accounts.followers) over (
            partition by accounts.platform, accounts.account_ref, accounts.is_own_account
            order by accounts.snapshot_date
        ) as follower_change,
        lag(accounts.followers) over (
            partition by accounts.platform, accounts.account_ref, accounts.is_own_account
            order by accounts.snapshot_date
        ) as previous_followers

    from accounts
    left join engagements
        on
            accounts.platform = engagements.platform
            and accounts.snapshot_date = engagements.snapshot_date
            and accounts.account_ref = engagements.account_ref

),

final as (

    select
        platform,
        snapshot_date,
        account_ref,
        is_own_account,
        account_name,
        cast(followers as {{ dbt.type_bigint() }}) as followers,
        cast(follower_change as {{ dbt.type_bigint() }}) as follower_change,
        {{ rate('follower_change', 'previous_followers') }} as follower_growth_rate,
        cast(posts as integer) as posts,
        cast(public_engagements as {{ dbt.type_bigint() }}) as public_engagements,
        cast({{ safe_divide('public_engagements', 'posts') }} as {{ dbt.type_numeric() }}) as engagements_per_post,
        {{ rate(safe_divide('public_engagements', 'posts'), 'followers') }} as engagement_rate_by_followers,
        {{ rate('public_engagements', 'sum(public_engagements) over (partition by platform, snapshot_date)') }}
            as share_of_voice

    from combined

)

select * from final
