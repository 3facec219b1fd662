{#- numerator / denominator as a fraction; null when the denominator is null or 0.
    Divides in float (dbt.type_numeric() would round the operands to its scale first);
    rate() rounds the result to the marts' fixed rate type. -#}
{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as {{ dbt.type_float() }})
    / nullif(cast({{ denominator }} as {{ dbt.type_float() }}), 0)
{%- endmacro %}

{#- The type of every rate column in the marts: a fraction with 10 decimals. -#}
{% macro type_rate() -%}
    numeric(20, 10)
{%- endmacro %}

{#- A rate (safe_divide) rounded to the marts' rate type. -#}
{% macro rate(numerator, denominator) -%}
    cast({{ safe_divide(numerator, denominator) }} as {{ type_rate() }})
{%- endmacro %}

{#- The type of KPI values that can be counts or rates (targets, actuals): 10 decimals. -#}
{% macro type_kpi_value() -%}
    numeric(28, 10)
{%- endmacro %}
