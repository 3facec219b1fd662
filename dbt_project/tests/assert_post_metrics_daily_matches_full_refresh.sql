-- fct_post_metrics_daily is incremental. Its rows must equal what a full refresh would load:
-- the whole differenced history. Any row only on one side fails.
{%- set columns = [
    'platform', 'post_id', 'metric_date', 'account_id', 'published_date', 'days_since_published',
    'is_first_observation', 'likes', 'comments', 'shares', 'saves', 'views', 'engagements',
    'lifetime_likes', 'lifetime_comments', 'lifetime_shares', 'lifetime_saves', 'lifetime_views',
    'lifetime_engagements',
] | join(', ') %}

with

incremental_rows as (

    select {{ columns }}
    from {{ ref('fct_post_metrics_daily') }}

),

full_refresh_rows as (

    select {{ columns }}
    from {{ ref('int_post_metrics_daily_differenced') }}

),

only_incremental as (

    select * from incremental_rows
    {{ dbt.except() }}
    select * from full_refresh_rows

),

only_full_refresh as (

    select * from full_refresh_rows
    {{ dbt.except() }}
    select * from incremental_rows

),

final as (

    select
        'only in the incremental table' as problem,
        *
    from only_incremental
    union all
    select
        'missing from the incremental table' as problem,
        *
    from only_full_refresh

)

-- the columns listed above, plus `problem`
select * from final  -- noqa: AM04
