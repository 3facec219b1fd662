{#- True when `expression` matches the (POSIX) regular expression `pattern`. -#}
{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'socialkpi')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    ({{ expression }} ~ '{{ pattern }}')
{%- endmacro %}

{#- The first capture group of `pattern` in `expression`, null when it does not match. -#}
{% macro regex_extract(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_extract', 'socialkpi')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_extract(expression, pattern) -%}
    substring({{ expression }} from '{{ pattern }}')
{%- endmacro %}
