{#- The calendar date of a UTC timestamptz in an IANA timezone (the account's reporting day). -#}
{% macro to_local_date(timestamp_expression, timezone_expression) -%}
    {{ return(adapter.dispatch('to_local_date', 'socialkpi')(timestamp_expression, timezone_expression)) }}
{%- endmacro %}

{% macro default__to_local_date(timestamp_expression, timezone_expression) -%}
    cast(({{ timestamp_expression }}) at time zone ({{ timezone_expression }}) as date)
{%- endmacro %}

{#- GA4's compact YYYYMMDD date string to a date. -#}
{% macro yyyymmdd_to_date(column) -%}
    cast(
        {{ dbt.concat([
            "substring(" ~ column ~ " from 1 for 4)", "'-'",
            "substring(" ~ column ~ " from 5 for 2)", "'-'",
            "substring(" ~ column ~ " from 7 for 2)",
        ]) }} as date
    )
{%- endmacro %}

{#- A date expression shifted by whole days, as a date (dbt.dateadd returns a timestamp). -#}
{% macro add_days(days, date_expression) -%}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}

{#- Unix epoch seconds or milliseconds (unit 'second' or 'millisecond') as a UTC timestamptz. -#}
{% macro epoch_to_timestamp(epoch_expression, unit='second') -%}
    cast(
        {{ dbt.dateadd(unit, epoch_expression, "cast('1970-01-01 00:00:00+00' as timestamp with time zone)") }}
        as timestamp with time zone
    )
{%- endmacro %}
