{#- One row per calendar day from var calendar_start_date to calendar_end_date; also the
    MetricFlow time spine. Weeks start on Monday (ISO). -#}
{%- set start_date = var('calendar_start_date') -%}
{%- set end_date = var('calendar_end_date') -%}
{%- set n_days = (
    modules.datetime.date.fromisoformat(end_date) - modules.datetime.date.fromisoformat(start_date)
).days + 1 -%}

with

day_numbers as (

    {{ dbt.generate_series(n_days) }}

),

days as (

    select {{ add_days('generated_number - 1', "cast('" ~ start_date ~ "' as date)") }} as date_day
    from day_numbers

),

final as (

    select
        date_day,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start_date,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start_date,
        -- ISO day of week (1 = Monday), from the days since Monday 1970-01-05
        cast(mod({{ dbt.datediff("cast('1970-01-05' as date)", 'date_day', 'day') }}, 7) + 1 as integer)
            as day_of_week,
        mod({{ dbt.datediff("cast('1970-01-05' as date)", 'date_day', 'day') }}, 7) >= 5 as is_weekend

    from days

)

select * from final
