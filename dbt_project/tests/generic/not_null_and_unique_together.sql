{#- Generic test: not_null_columns and unique_combination_of_columns in one query. None of
    `column_names` holds a null, and no two rows share the values of `combination_of_columns`.
    Fails with one row per column with nulls and one per duplicated key.

    One test where a model has both: each test is a node dbt runs (a query, its own connection),
    and on a view each query computes the view again; here the model is read once. -#}
{% test not_null_and_unique_together(model, column_names, combination_of_columns) %}

    with model_rows as materialized (

        select * from {{ model }}

    ),

    nulls as (

        {{ test_not_null_columns('model_rows', column_names) }}

    ),

    duplicates as (

        {{ test_unique_combination_of_columns('model_rows', combination_of_columns) }}

    )

    select
        'null' as failure,
        column_name as detail,
        null_rows as n_rows
    from nulls

    union all

    select
        'duplicate key' as failure,
        concat_ws(', '
            {%- for column_name in combination_of_columns -%}
                , cast({{ column_name }} as {{ dbt.type_string() }})
            {%- endfor -%}
        ) as detail,
        n_rows
    from duplicates

{% endtest %}
