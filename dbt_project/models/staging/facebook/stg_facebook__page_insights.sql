{#- One row per page metric per day: the `values[]` items of each metric's time series, dated by
    their end_time (the end of the day they measure). The local day needs the page's timezone and
    is set in intermediate. Latest extraction wins. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'facebook'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('facebook', 'page_insights') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

series_values as (

    select
        source.batch_id,
        source.account_id,
        source.interval_start,
        source.extracted_at,
        source.record_index,
        {{ json_text('source.record', ['name']) }} as metric_name,
        {{ json_text('source.record', ['period']) }} as metric_period,
        cast({{ json_text('series_value.value', ['end_time']) }} as timestamp with time zone) as period_end_at,
        {{ dbt.safe_cast(json_text('series_value.value', ['value']), dbt.type_numeric()) }} as metric_value

    from source
    cross join {{ json_unnest('source.record', ['values'], 'series_value') }}

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by account_id, metric_name, period_end_at
            order by extracted_at desc, record_index desc
        ) as row_rank

    from series_values

),

final as (

    select
        batch_id,
        account_id,
        metric_name,
        metric_period,
        period_end_at,
        metric_value,
        interval_start as batch_interval_start,
        extracted_at

    from deduplicated
    where row_rank = 1

)

select * from final
