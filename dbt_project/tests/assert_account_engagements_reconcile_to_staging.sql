-- Platforms with account-level daily counts: the engagements of fct_account_kpis_daily add up, per
-- account, to the staged daily components (every staged day lies inside the account's spine):
-- Instagram likes + comments + shares + saves (total values), Facebook page_post_engagements,
-- LinkedIn likes + comments + shares (share statistics), YouTube likes + comments + shares
-- (channel_daily). X and TikTok: assert_post_increase_engagements_reconcile_to_post_metrics.
with

instagram as (

    select
        'instagram' as platform,
        account_id,
        sum(metric_value) as engagements
    from {{ ref('stg_instagram__account_insights') }}
    where
        value_kind = 'total_value'
        and metric_name in ('likes', 'comments', 'shares', 'saves')
    group by account_id

),

facebook as (

    select
        'facebook' as platform,
        account_id,
        sum(metric_value) as engagements
    from {{ ref('stg_facebook__page_insights') }}
    where metric_name = 'page_post_engagements'
    group by account_id

),

linkedin as (

    select
        'linkedin' as platform,
        account_id,
        sum(coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0)) as engagements
    from {{ ref('stg_linkedin__share_statistics') }}
    group by account_id

),

youtube as (

    select
        'youtube' as platform,
        account_id,
        sum(coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0)) as engagements
    from {{ ref('stg_youtube__channel_daily') }}
    group by account_id

),

staged as (

    select * from instagram
    union all
    select * from facebook
    union all
    select * from linkedin
    union all
    select * from youtube

),

mart as (

    select
        platform,
        account_id,
        sum(engagements) as engagements
    from {{ ref('fct_account_kpis_daily') }}
    where platform in ('instagram', 'facebook', 'linkedin', 'youtube')
    group by platform, account_id

),

final as (

    select
        staged.engagements as staged_engagements,
        mart.engagements as mart_engagements,
        coalesce(staged.platform, mart.platform) as platform,
        coalesce(staged.account_id, mart.account_id) as account_id
    from staged
    full outer join mart
        on
            staged.platform = mart.platform
            and staged.account_id = mart.account_id
    where coalesce(staged.engagements, 0) <> coalesce(mart.engagements, 0)

)

select * from final
