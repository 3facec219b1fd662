{#- JSON access for staging models. The raw layer stores API records as jsonb, so these are
    the only Postgres-specific expressions of the project; another warehouse adds its own
    `<adapter>__` implementation here and staging stays unchanged. -#}

{#- Text value at a path, e.g. json_text('record', ['total_value', 'value']). -#}
{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text', 'socialkpi')(column, path)) }}
{%- endmacro %}

{% macro default__json_text(column, path) -%}
    {{ column }} #>> '{{ "{" ~ (path | join(",")) ~ "}" }}'
{%- endmacro %}

{#- A from-clause item that unnests the array at `path` into rows of `alias`.value (json). -#}
{% macro json_unnest(column, path, alias) -%}
    {{ return(adapter.dispatch('json_unnest', 'socialkpi')(column, path, alias)) }}
{%- endmacro %}

{% macro default__json_unnest(column, path, alias) -%}
    lateral jsonb_array_elements(
        coalesce({{ column }} #> '{{ "{" ~ (path | join(",")) ~ "}" }}', '[]'::jsonb)
    ) as {{ alias }} (value)
{%- endmacro %}
