-- Every platform: on each day of fct_account_kpis_daily that a follower snapshot stands for (the
-- snapshot batch's interval_start; for Facebook page_follows of the Pacific insights day, else the
-- page snapshot), followers is the snapshot's total, not flagged as reconstructed, with
-- followers_method 'snapshot' anchored on that day.
with

page_follows as (

    select
        'facebook' as platform,
        insights.account_id,
        {{ to_local_date(
            dbt.dateadd('second', -1, 'insights.period_end_at'), "'" ~ var('meta_insights_timezone') ~ "'"
        ) }} as snapshot_date,
        insights.metric_value as followers
    from {{ ref('stg_facebook__page_insights') }} as insights
    where insights.metric_name = 'page_follows'

),

page_snapshots as (

    select
        'facebook' as platform,
        account_id,
        batch_interval_start as snapshot_date,
        followers
    from {{ ref('stg_facebook__page_snapshots') }}

),

snapshots as (

    select
        'instagram' as platform,
        account_id,
        batch_interval_start as snapshot_date,
        followers
    from {{ ref('stg_instagram__account_snapshots') }}
    union all
    select * from page_follows
    union all
    select page_snapshots.*
    from page_snapshots
    left join page_follows
        on
            page_snapshots.account_id = page_follows.account_id
            and page_snapshots.snapshot_date = page_follows.snapshot_date
    where page_follows.account_id is null
    union all
    select
        'x' as platform,
        account_id,
        batch_interval_start as snapshot_date,
        followers
    from {{ ref('stg_x__user_snapshots') }}
    union all
    select
        'linkedin' as platform,
        account_id,
        batch_interval_start as snapshot_date,
        followers
    from {{ ref('stg_linkedin__network_size_snapshots') }}
    union all
    select
        'youtube' as platform,
        account_id,
        batch_interval_start as snapshot_date,
        followers
    from {{ ref('stg_youtube__channel_snapshots') }}
    union all
    select
        'tiktok' as platform,
        account_id,
        batch_interval_start as snapshot_date,
        followers
    from {{ ref('stg_tiktok__user_snapshots') }}

),

mart as (

    select * from {{ ref('fct_account_kpis_daily') }}

),

final as (

    select
        mart.platform,
        mart.account_id,
        mart.kpi_date,
        mart.followers,
        mart.is_followers_reconstructed,
        mart.followers_method,
        mart.followers_anchor_date,
        snapshots.followers as snapshot_followers
    from mart
    inner join snapshots
        on
            mart.platform = snapshots.platform
            and mart.account_id = snapshots.account_id
            and mart.kpi_date = snapshots.snapshot_date
    where
        snapshots.followers is not null
        and (
            mart.followers is null
            or mart.followers <> snapshots.followers
            or mart.is_followers_reconstructed
            or mart.followers_method <> 'snapshot'
            or mart.followers_anchor_date <> mart.kpi_date
        )

)

select * from final
