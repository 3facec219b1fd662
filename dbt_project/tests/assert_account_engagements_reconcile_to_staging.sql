-- Instagram: the engagements of fct_account_kpis_daily add up, per account, to the staged
-- account-level likes + comments + shares + saves.
with

staged as (

    select
        account_id,
        sum(metric_value) as engagements
    from {{ ref('stg_instagram__account_insights') }}
    where
        value_kind = 'total_value'
        and metric_name in ('likes', 'comments', 'shares', 'saves')
    group by account_id

),

mart as (

    select
        account_id,
        sum(engagements) as engagements
    from {{ ref('fct_account_kpis_daily') }}
    where platform = 'instagram'
    group by account_id

),

final as (

    select
        staged.engagements as staged_engagements,
        mart.engagements as mart_engagements,
        coalesce(staged.account_id, mart.account_id) as account_id
    from staged
    full outer join mart
        on staged.account_id = mart.account_id
    where coalesce(staged.engagements, 0) <> coalesce(mart.engagements, 0)

)

select * from final
