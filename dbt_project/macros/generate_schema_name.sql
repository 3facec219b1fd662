{#- Use the folder's custom schema as-is (staging, intermediate, marts, reference)
    instead of dbt's default `<target schema>_<custom schema>`.
    The marts go to var('marts_schema') when given: the pipeline builds them into a shadow schema
    and swaps it in only after every test and mart check passed (socialkpi/transform.py), so a BI
    tool never reads a half-built or failing mart. A plain `dbt build` writes `marts` directly. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' -%}
        {{ var('marts_schema', 'marts') | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
