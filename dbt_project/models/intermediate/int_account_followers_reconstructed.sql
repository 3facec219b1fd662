{#- One row per (platform, account_id, kpi_date) for every day between the account's first and
    last day with daily account metrics (a date spine: no gaps), with followers at the end of the day.
    A snapshot newer than the last day with metrics (a backfill run today snapshots yesterday's
    total) still anchors the backward reconstruction, but adds no row of its own: a day with a
    follower total and no engagement data would read as a day without engagement.

    followers(d), in order of preference (followers_method, followers_anchor_date):
    1. 'snapshot': the snapshot for d (anchor d);
    2. 'forward': from the last snapshot b before d: followers(b) + net changes of days b+1..d (anchor b);
    3. 'backward': from the next snapshot a after d: followers(a) - net changes of days d+1..a (anchor a);
    4. null (method and anchor null) when no snapshot exists or a net change on the way is unknown.
    A quiet day has a net change of 0 (staging decides zero versus unknown per platform), so only an
    unknown day stops a reconstruction. Cases 2 and 3 set is_followers_reconstructed. -#}
with

account_days as (

    select * from {{ ref('int_account_days_dated') }}

),

account_bounds as (

    select
        platform,
        account_id,
        min(kpi_date) as first_kpi_date,
        max(kpi_date) as last_kpi_date,
        max(case when has_account_metrics then kpi_date end) as last_metrics_date

    from account_days
    where has_account_metrics or followers_snapshot is not null
    group by platform, account_id

),

day_numbers as (

    {{ dbt.generate_series(var('max_history_days')) }}

),

spine as (

    select
        account_bounds.platform,
        account_bounds.account_id,
        account_bounds.last_metrics_date,
        {{ add_days('day_numbers.generated_number - 1', 'account_bounds.first_kpi_date') }} as kpi_date

    from account_bounds
    inner join day_numbers
        on
            day_numbers.generated_number - 1
            <= {{ dbt.datediff('account_bounds.first_kpi_date', 'account_bounds.last_kpi_date', 'day') }}

),

spined as (

    select
        spine.platform,
        spine.account_id,
        spine.kpi_date,
        spine.last_metrics_date,
        account_days.followers_snapshot,
        account_days.followers_gained,
        account_days.followers_lost,
        account_days.follower_net_change,
        account_days.likes,
        account_days.comments,
        account_days.shares,
        account_days.saves,
        account_days.engagements,
        account_days.reach,
        account_days.views,
        coalesce(account_days.posts_published, 0) as posts_published,
        coalesce(account_days.engagements_on_published_posts, 0) as engagements_on_published_posts

    from spine
    left join account_days
        on
            spine.platform = account_days.platform
            and spine.account_id = account_days.account_id
            and spine.kpi_date = account_days.kpi_date

),

running as (

    select
        *,
        -- running totals of the net change and of the days where it is unknown
        sum(coalesce(follower_net_change, 0)) over account_history as net_change_to_date,
        sum(case when follower_net_change is null then 1 else 0 end) over account_history
            as unknown_changes_to_date,
        -- snapshot groups: a group starts at (previous_) or ends at (next_) a snapshot day
        count(followers_snapshot) over account_history as previous_snapshot_group,
        count(followers_snapshot) over (
            partition by platform, account_id
            order by kpi_date desc
            rows between unbounded preceding and current row
        ) as next_snapshot_group

    from spined
    window account_history as (
        partition by platform, account_id
        order by kpi_date
        rows between unbounded preceding and current row
    )

),

anchored as (

    select
        *,
        max(followers_snapshot) over previous_snapshot as previous_snapshot_followers,
        max(case when followers_snapshot is not null then kpi_date end) over previous_snapshot
            as previous_snapshot_date,
        max(case when followers_snapshot is not null then net_change_to_date end)
            over previous_snapshot as previous_snapshot_net_change_to_date,
        max(case when followers_snapshot is not null then unknown_changes_to_date end)
            over previous_snapshot as previous_snapshot_unknown_changes_to_date,
        max(followers_snapshot) over next_snapshot as next_snapshot_followers,
        max(case when followers_snapshot is not null then kpi_date end) over next_snapshot
            as next_snapshot_date,
        max(case when followers_snapshot is not null then net_change_to_date end)
            over next_snapshot as next_snapshot_net_change_to_date,
        max(case when followers_snapshot is not null then unknown_changes_to_date end)
            over next_snapshot as next_snapshot_unknown_changes_to_date

    from running
    window
        previous_snapshot as (partition by platform, account_id, previous_snapshot_group),
        next_snapshot as (partition by platform, account_id, next_snapshot_group)

),

reconstructed as (

    select
        *,
        case
            when
                previous_snapshot_group > 0
                and unknown_changes_to_date = previous_snapshot_unknown_changes_to_date
                then previous_snapshot_followers + (net_change_to_date - previous_snapshot_net_change_to_date)
        end as followers_forward,
        case
            when
                next_snapshot_group > 0
                and next_snapshot_unknown_changes_to_date = unknown_changes_to_date
                then next_snapshot_followers - (next_snapshot_net_change_to_date - net_change_to_date)
        end as followers_backward

    from anchored

),

final as (

    select
        platform,
        account_id,
        kpi_date,
        cast(coalesce(followers_snapshot, followers_forward, followers_backward) as {{ dbt.type_bigint() }})
            as followers,
        (followers_snapshot is null and coalesce(followers_forward, followers_backward) is not null)
            as is_followers_reconstructed,
        case
            when followers_snapshot is not null then 'snapshot'
            when followers_forward is not null then 'forward'
            when followers_backward is not null then 'backward'
        end as followers_method,
        case
            when followers_snapshot is not null then kpi_date
            when followers_forward is not null then previous_snapshot_date
            when followers_backward is not null then next_snapshot_date
        end as followers_anchor_date,
        followers_gained,
        followers_lost,
        follower_net_change,
        likes,
        comments,
        shares,
        saves,
        engagements,
        reach,
        views,
        posts_published,
        engagements_on_published_posts

    from reconstructed
    where kpi_date <= last_metrics_date

)

select * from final
