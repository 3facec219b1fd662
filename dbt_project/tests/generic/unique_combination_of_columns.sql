{#- Generic test: no two rows share the same values in `combination_of_columns`
    (the composite primary key of a mart). Fails with one row per duplicated key. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

    {%- set columns_csv = combination_of_columns | join(', ') %}

    select
        {{ columns_csv }},
        count(*) as n_rows
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1

{% endtest %}
