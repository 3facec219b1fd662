-- X and TikTok have no account-level daily counts: on every day of fct_account_kpis_daily their
-- engagements are the sum of the day's post engagements in fct_post_metrics_daily when every
-- post observed that day has a known increase, and null otherwise (including days without an
-- observation).
with

post_days as (

    select
        platform,
        account_id,
        metric_date,
        sum(engagements) as engagements,
        sum(case when is_first_observation and metric_date <> published_date then 1 else 0 end)
            as unknown_increases
    from {{ ref('fct_post_metrics_daily') }}
    where platform in ('x', 'tiktok')
    group by platform, account_id, metric_date

),

mart as (

    select * from {{ ref('fct_account_kpis_daily') }}
    where platform in ('x', 'tiktok')

),

expected as (

    select
        mart.platform,
        mart.account_id,
        mart.kpi_date,
        mart.engagements as mart_engagements,
        case when post_days.unknown_increases = 0 then post_days.engagements end as post_engagements
    from mart
    left join post_days
        on
            mart.platform = post_days.platform
            and mart.account_id = post_days.account_id
            and mart.kpi_date = post_days.metric_date

)

select * from expected
where
    (mart_engagements is null and post_engagements is not null)
    or (mart_engagements is not null and post_engagements is null)
    or mart_engagements <> post_engagements
