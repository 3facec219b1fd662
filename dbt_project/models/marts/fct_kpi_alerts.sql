{#- Days where an account KPI leaves its recent range: robust z-score of the day's value against
    the previous `kpi_alert_window_days` days (not the day itself):
        z = 0.6745 * (value - median) / MAD, MAD = median(|x - median|);
    when MAD is 0, z = (value - median) / (1.253314 * mean absolute deviation) (Iglewicz-Hoaglin).
    A day alerts when |z| >= kpi_alert_z_threshold with at least kpi_alert_min_history_days of
    history. One row per (platform, account_id, kpi_date, kpi) that alerts.
    alert_kind 'anomaly' for those; 'crisis' (kpi = 'crisis') for the days fct_crisis_signals flags:
    comment volume far above its range with a high share of negative keywords (kpi_value = comments,
    robust_z_score = their volume z-score). -#}
{%- set kpis = ['engagements', 'follower_change', 'reach', 'views'] -%}
{%- set window_days = var('kpi_alert_window_days') | int -%}
with

account_kpis as (

    select * from {{ ref('fct_account_kpis_daily') }}

),

kpi_values as (

    {% for kpi in kpis -%}
        select
            platform,
            account_id,
            kpi_date,
            '{{ kpi }}' as kpi,
            cast({{ kpi }} as {{ dbt.type_numeric() }}) as kpi_value
        from account_kpis
        where {{ kpi }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

kpi_statistics as (

    {{ trailing_robust_statistics(
        'kpi_values', ['platform', 'account_id', 'kpi'], 'kpi_date', 'kpi_value', window_days
    ) }}

),

scored as (

    select
        *,
        case
            when median_absolute_deviation > 0
                then 0.6745 * (kpi_value - median_value) / median_absolute_deviation
            when mean_absolute_deviation > 0
                then (kpi_value - median_value) / (1.253314 * mean_absolute_deviation)
        end as robust_z_score

    from kpi_statistics
    where history_days >= {{ var('kpi_alert_min_history_days') }}

),

final as (

    select
        platform,
        account_id,
        kpi_date,
        kpi,
        kpi_value,
        cast(median_value as {{ dbt.type_numeric() }}) as median_value,
        cast(median_absolute_deviation as {{ dbt.type_numeric() }}) as median_absolute_deviation,
        cast(history_days as integer) as history_days,
        cast(robust_z_score as {{ dbt.type_numeric() }}) as robust_z_score,
        case when robust_z_score > 0 then 'spike' else 'drop' end as direction,
        'anomaly' as alert_kind

    from scored
    where abs(robust_z_score) >= {{ var('kpi_alert_z_threshold') }}

    union all

    select
        platform,
        account_id,
        signal_date as kpi_date,
        'crisis' as kpi,
        cast(comments_received as {{ dbt.type_numeric() }}) as kpi_value,
        median_comments as median_value,
        median_absolute_deviation,
        history_days,
        volume_z_score as robust_z_score,
        'spike' as direction,
        'crisis' as alert_kind

    from {{ ref('fct_crisis_signals') }}
    where is_crisis

)

select * from final
