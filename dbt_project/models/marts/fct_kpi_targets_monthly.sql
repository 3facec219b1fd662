{#- One row per kpi_targets seed row (target_month, platform, account_id, kpi) with the month's
    actual and attainment = actual / target. Actuals: followers = followers on the last day of the
    month with data; follower_change, engagements, posts_published = month sums;
    engagement_rate_by_followers = sum of engagements / sum of followers over the month's days
    where both are known (the follower-weighted mean of the daily rate);
    referral_sessions, key_events = month sums of social traffic (web analytics accounts). -#}
with

targets as (

    select * from {{ ref('kpi_targets') }}

),

account_kpis as (

    select * from {{ ref('fct_account_kpis_daily') }}

),

social_traffic as (

    select * from {{ ref('fct_social_traffic_daily') }}

),

account_months as (

    select
        platform,
        account_id,
        kpi_date,
        followers,
        follower_change,
        engagements,
        posts_published,
        cast({{ dbt.date_trunc('month', 'kpi_date') }} as date) as kpi_month,
        row_number() over (
            partition by platform, account_id, cast({{ dbt.date_trunc('month', 'kpi_date') }} as date)
            order by kpi_date desc
        ) as days_from_month_end

    from account_kpis

),

account_actuals as (

    select
        platform,
        account_id,
        kpi_month,
        max(case when days_from_month_end = 1 then followers end) as followers,
        sum(follower_change) as follower_change,
        sum(engagements) as engagements,
        sum(posts_published) as posts_published,
        {{ safe_divide(
            'sum(case when followers is not null then engagements end)',
            'sum(case when engagements is not null then followers end)',
        ) }} as engagement_rate_by_followers,
        count(*) as days_with_data

    from account_months
    group by platform, account_id, kpi_month

),

traffic_actuals as (

    select
        analytics_source as platform,
        account_id,
        cast({{ dbt.date_trunc('month', 'traffic_date') }} as date) as kpi_month,
        sum(sessions) as referral_sessions,
        sum(key_events) as key_events,
        count(distinct traffic_date) as days_with_data

    from social_traffic
    group by analytics_source, account_id, cast({{ dbt.date_trunc('month', 'traffic_date') }} as date)

),

actuals_long as (

    {% for kpi in ['followers', 'follower_change', 'engagements', 'posts_published', 'engagement_rate_by_followers'] -%}
        select
            platform,
            account_id,
            kpi_month,
            days_with_data,
            '{{ kpi }}' as kpi,
            cast({{ kpi }} as {{ type_kpi_value() }}) as actual_value
        from account_actuals
        union all
    {% endfor -%}
    {% for kpi in ['referral_sessions', 'key_events'] -%}
        select
            platform,
            account_id,
            kpi_month,
            days_with_data,
            '{{ kpi }}' as kpi,
            cast({{ kpi }} as {{ type_kpi_value() }}) as actual_value
        from traffic_actuals
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        cast(targets.target_month as date) as target_month,
        targets.platform,
        cast(targets.account_id as {{ dbt.type_string() }}) as account_id,
        targets.kpi,
        cast(targets.target_value as {{ type_kpi_value() }}) as target_value,
        actuals_long.actual_value,
        cast(coalesce(actuals_long.days_with_data, 0) as integer) as days_with_data,
        {{ rate('actuals_long.actual_value', 'targets.target_value') }} as attainment,
        coalesce(actuals_long.actual_value >= targets.target_value, false) as is_target_met

    from targets
    left join actuals_long
        on
            targets.platform = actuals_long.platform
            and cast(targets.account_id as {{ dbt.type_string() }}) = actuals_long.account_id
            and cast({{ dbt.date_trunc('month', 'targets.target_month') }} as date) = actuals_long.kpi_month
            and targets.kpi = actuals_long.kpi

)

select * from final
