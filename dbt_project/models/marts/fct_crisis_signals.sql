{#- One row per (platform, account_id, signal_date) of the platforms with received comments
    (Instagram, Facebook: comments on the account's posts; X: mentions) for the configured accounts
    of fct_account_kpis_daily: every day from the account's first KPI day or first received comment,
    whichever is earlier, to its last, a day without comments counting 0. (An X backfill has one KPI
    day, the snapshot day, but mentions for every day of the range: its spine starts at the first.)
    Volume against its recent range: z = 0.6745 * (comments - median) / max(MAD, 1) over the
    previous crisis_window_days days (not the day itself); the MAD is floored at one comment because
    comment counts are small integers and a quiet account's MAD is often 0.
    A day is a crisis when, with at least crisis_min_history_days of history, z >=
    crisis_volume_z_threshold, negative_comment_share >= crisis_negative_share_threshold and
    negative_comments >= crisis_min_negative_comments. A keyword signal, not sentiment analysis. -#}
{%- set window_days = var('crisis_window_days') | int -%}
with

account_days as (

    select * from {{ ref('fct_account_kpis_daily') }}
    where platform in ('instagram', 'facebook', 'x')

),

comments as (

    select * from {{ ref('int_comments_keyword_matched') }}

),

daily_comments as (

    select
        platform,
        account_id,
        received_date,
        count(*) as comments_received,
        count(*) filter (where has_negative_keyword) as negative_comments

    from comments
    group by platform, account_id, received_date

),

accounts as (

    select
        platform,
        account_id,
        max(account_name) as account_name,
        min(kpi_date) as first_kpi_date,
        max(kpi_date) as last_kpi_date

    from account_days
    group by platform, account_id

),

account_bounds as (

    select
        accounts.platform,
        accounts.account_id,
        accounts.account_name,
        least(accounts.first_kpi_date, min(daily_comments.received_date)) as first_date,
        greatest(accounts.last_kpi_date, max(daily_comments.received_date)) as last_date

    from accounts
    left join daily_comments
        on
            accounts.platform = daily_comments.platform
            and accounts.account_id = daily_comments.account_id
    group by
        accounts.platform, accounts.account_id, accounts.account_name,
        accounts.first_kpi_date, accounts.last_kpi_date

),

day_numbers as (

    {{ dbt.generate_series(var('max_history_days')) }}

),

spine as (

    select
        account_bounds.platform,
        account_bounds.account_id,
        account_bounds.account_name,
        {{ add_days('day_numbers.generated_number - 1', 'account_bounds.first_date') }} as signal_date

    from account_bounds
    inner join day_numbers
        on
            day_numbers.generated_number - 1
            <= {{ dbt.datediff('account_bounds.first_date', 'account_bounds.last_date', 'day') }}

),

days as (

    select
        spine.platform,
        spine.account_id,
        spine.signal_date,
        spine.account_name,
        coalesce(daily_comments.comments_received, 0) as comments_received,
        coalesce(daily_comments.negative_comments, 0) as negative_comments

    from spine
    left join daily_comments
        on
            spine.platform = daily_comments.platform
            and spine.account_id = daily_comments.account_id
            and spine.signal_date = daily_comments.received_date

),

comment_statistics as (

    {{ trailing_robust_statistics(
        'days', ['platform', 'account_id'], 'signal_date', 'comments_received', window_days
    ) }}

),

scored as (

    select
        days.platform,
        days.account_id,
        days.signal_date,
        days.account_name,
        days.comments_received,
        days.negative_comments,
        coalesce(comment_statistics.history_days, 0) as history_days,
        comment_statistics.median_value as median_comments,
        comment_statistics.median_absolute_deviation,
        {{ safe_divide('days.negative_comments', 'days.comments_received') }} as negative_comment_share,
        0.6745 * (days.comments_received - comment_statistics.median_value)
        / greatest(comment_statistics.median_absolute_deviation, 1) as volume_z_score

    from days
    left join comment_statistics
        on
            days.platform = comment_statistics.platform
            and days.account_id = comment_statistics.account_id
            and days.signal_date = comment_statistics.signal_date

),

final as (

    select
        platform,
        account_id,
        signal_date,
        account_name,
        cast(comments_received as {{ dbt.type_bigint() }}) as comments_received,
        cast(negative_comments as {{ dbt.type_bigint() }}) as negative_comments,
        cast(negative_comment_share as {{ type_rate() }}) as negative_comment_share,
        cast(history_days as integer) as history_days,
        cast(median_comments as {{ dbt.type_numeric() }}) as median_comments,
        cast(median_absolute_deviation as {{ dbt.type_numeric() }}) as median_absolute_deviation,
        cast(volume_z_score as {{ dbt.type_numeric() }}) as volume_z_score,
        coalesce(
            history_days >= {{ var('crisis_min_history_days') }}
            and volume_z_score >= {{ var('crisis_volume_z_threshold') }}
            and negative_comment_share >= {{ var('crisis_negative_share_threshold') }}
            and negative_comments >= {{ var('crisis_min_negative_comments') }},
            false
        ) as is_crisis

    from scored

)

select * from final
