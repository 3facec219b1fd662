{#- One row per (platform, account_id, kpi_date), every day of the account's history.
    Definitions: README "KPI definitions" and this model's YAML. -#}
with

account_followers as (

    select * from {{ ref('int_account_followers_reconstructed') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}

),

with_previous_day as (

    select
        *,
        lag(followers) over account_history as previous_followers

    from account_followers
    window account_history as (partition by platform, account_id order by kpi_date)

),

changes as (

    select
        *,
        -- the spine has no gaps, so the previous row is the previous day (null on the first day)
        followers - previous_followers as follower_change

    from with_previous_day

),

final as (

    select
        changes.platform,
        changes.account_id,
        changes.kpi_date,
        accounts.account_name,
        changes.followers,
        changes.is_followers_reconstructed,
        changes.follower_change,
        changes.followers_gained,
        changes.followers_lost,
        {{ rate('changes.follower_change', 'changes.previous_followers') }} as follower_growth_rate,
        changes.posts_published,
        changes.likes,
        changes.comments,
        changes.shares,
        changes.saves,
        changes.engagements,
        changes.reach,
        changes.views,
        {{ rate('changes.engagements', 'changes.followers') }} as engagement_rate_by_followers,
        {{ rate('changes.engagements', 'changes.reach') }} as engagement_rate_by_reach,
        {{ rate('changes.engagements', 'changes.views') }} as engagement_rate_by_views,
        cast(sum(changes.engagements) over last_7_days as {{ dbt.type_bigint() }}) as engagements_rolling_7d,
        cast(sum(changes.engagements) over last_28_days as {{ dbt.type_bigint() }}) as engagements_rolling_28d,
        cast(sum(changes.follower_change) over last_7_days as {{ dbt.type_bigint() }}) as follower_change_rolling_7d,
        cast(sum(changes.follower_change) over last_28_days as {{ dbt.type_bigint() }}) as follower_change_rolling_28d,
        changes.followers_method,
        changes.followers_anchor_date,
        changes.engagements_on_published_posts

    from changes
    left join accounts
        on
            changes.platform = accounts.source
            and changes.account_id = accounts.account_id
    window
        last_7_days as (
            partition by changes.platform, changes.account_id
            order by changes.kpi_date
            rows between 6 preceding and current row
        ),
        last_28_days as (
            partition by changes.platform, changes.account_id
            order by changes.kpi_date
            rows between 27 preceding and current row
        )

)

select * from final
