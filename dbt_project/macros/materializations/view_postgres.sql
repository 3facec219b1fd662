{#- The view materialization for Postgres, replacing views in place.

    dbt's default builds a new view, renames the old one to a backup and drops the backup with
    CASCADE. With several threads, two such drops that share a downstream view deadlock
    (dbt-labs/dbt-core#9246), and every downstream view disappears until it is rebuilt.
    Here an existing view is replaced with `create or replace view`, which keeps dependants.
    Postgres refuses that when existing columns are renamed, retyped or removed; only then is the
    view dropped (with its dependants, rebuilt later in the same run) and created again. -#}
{% materialization view, adapter='postgres' %}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set grant_config = config.get('grants') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if existing_relation is not none and not existing_relation.is_view -%}
        {{ adapter.drop_relation(existing_relation) }}
        {%- set existing_relation = none -%}
    {%- endif -%}

    {% call statement('main') -%}
        {%- if existing_relation is none -%}
            {{ get_create_view_as_sql(target_relation, sql) }}
        {%- else -%}
            {{ socialkpi_replace_view_sql(target_relation, sql) }}
        {%- endif -%}
    {%- endcall %}

    {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
    {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
    {% do persist_docs(target_relation, model) %}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}


{% macro socialkpi_replace_view_sql(relation, sql) -%}
    do $socialkpi_replace_view$
    begin
        execute $socialkpi_view_sql$ {{ postgres__get_replace_view_sql(relation, sql) }} $socialkpi_view_sql$;
    exception when invalid_table_definition then
        -- columns renamed, retyped or removed: Postgres cannot replace the view in place
        execute $socialkpi_view_sql$ drop view if exists {{ relation }} cascade $socialkpi_view_sql$;
        execute $socialkpi_view_sql$ {{ create_view_as(relation, sql) }} $socialkpi_view_sql$;
    end
    $socialkpi_replace_view$
{%- endmacro %}
