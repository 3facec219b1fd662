{#- Generic test: none of `column_names` holds a null. Fails with one row per column that does,
    naming it and counting its null rows.

    One query per model instead of dbt's not_null per column: each test is a query of its own,
    and on a view each query computes the view again. Per column, the not_null tests were 350 of
    the build's 470 tests and over half of its time (issue #9). The marts need neither: their
    contracts enforce not null constraints in the table itself. -#}
{% test not_null_columns(model, column_names) %}

    with null_counts as (

        select
            {%- for column_name in column_names %}
                sum(case when {{ column_name }} is null then 1 else 0 end)
                    as null_rows_{{ loop.index }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ model }}

    )

    {% for column_name in column_names %}
        select
            '{{ column_name }}' as column_name,
            null_rows_{{ loop.index }} as null_rows
        from null_counts
        where null_rows_{{ loop.index }} > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

{% endtest %}
