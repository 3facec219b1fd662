{#- The robust statistics of each row's previous `window_days` days (not the day itself), per
    `partition_columns`, over the rows of `relation` (a CTE or relation with one row per partition
    and date): one row per row of `relation` that has at least one earlier day in the window, with
    the partition columns, `date_column`, `value_column`, and
        history_days               the earlier days in the window,
        median_value               their median (the middle value, or the mean of the two middle
                                   values: percentile_cont(0.5)),
        median_absolute_deviation  the median of |value - median_value| over them,
        mean_absolute_deviation    the mean of |value - median_value| over them.
    Both medians come from window functions over the window's rows. Joining the medians back to the
    window's rows (for the deviations) let Postgres plan a loop over every row per row: 14 s at 25
    accounts x 60 days, quadratic beyond (issue #9). -#}
{% macro trailing_robust_statistics(relation, partition_columns, date_column, value_column, window_days) %}
    {%- set group_columns = partition_columns + [date_column] -%}
    {%- set current_columns = [] -%}
    {%- for column in group_columns + [value_column] -%}
        {%- do current_columns.append('current_row.' ~ column) -%}
    {%- endfor -%}
    {%- set middle_ranks = '((history_days + 1) / 2, (history_days + 2) / 2)' -%}

    select
        {{ (group_columns + [value_column]) | join(', ') }},
        history_days,
        median_value,
        avg(case when deviation_rank in {{ middle_ranks }} then absolute_deviation end)
            as median_absolute_deviation,
        avg(absolute_deviation) as mean_absolute_deviation

    from (

        select
            *,
            abs(past_value - median_value) as absolute_deviation,
            row_number() over (
                partition by {{ group_columns | join(', ') }}
                order by abs(past_value - median_value)
            ) as deviation_rank

        from (

            select
                *,
                avg(case when value_rank in {{ middle_ranks }} then past_value end) over (
                    partition by {{ group_columns | join(', ') }}
                ) as median_value

            from (

                select
                    {{ current_columns | join(', ') }},
                    past_row.{{ value_column }} as past_value,
                    count(*) over (
                        partition by {{ current_columns[:-1] | join(', ') }}
                    ) as history_days,
                    row_number() over (
                        partition by {{ current_columns[:-1] | join(', ') }}
                        order by past_row.{{ value_column }}
                    ) as value_rank

                from {{ relation }} as current_row
                inner join {{ relation }} as past_row
                    on
                        {% for column in partition_columns -%}
                            current_row.{{ column }} = past_row.{{ column }} and
                        {% endfor -%}
                        current_row.{{ date_column }} > past_row.{{ date_column }}
                        and {{ add_days(-window_days, 'current_row.' ~ date_column) }}
                        <= past_row.{{ date_column }}

            ) as window_values

        ) as window_medians

    ) as window_deviations

    group by {{ (group_columns + [value_column]) | join(', ') }}, history_days, median_value
{% endmacro %}
