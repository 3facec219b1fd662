{#- One row per metric per value: a `values[]` item (time series, dated by its end_time), a
    `total_value` (the batch's reporting day), or one result of a `total_value.breakdowns[]`
    (follows_and_unfollows by follow_type: FOLLOWER -> `follows`, NON_FOLLOWER -> `unfollows`).
    A time-series value's local day needs the account's timezone and is set in intermediate. -#}
with

source as (

    select * from {{ source('instagram', 'account_insights') }}

),

time_series_values as (

    select
        source.batch_id,
        source.account_id,
        source.interval_start,
        source.extracted_at,
        source.record_index,
        {{ json_text('source.record', ['name']) }} as metric_name,
        {{ json_text('source.record', ['period']) }} as metric_period,
        'time_series' as value_kind,
        cast(null as {{ dbt.type_string() }}) as breakdown_value,
        cast({{ json_text('series_value.value', ['end_time']) }} as timestamp with time zone) as period_end_at,
        {{ dbt.safe_cast(json_text('series_value.value', ['value']), dbt.type_numeric()) }} as metric_value

    from source
    cross join {{ json_unnest('source.record', ['values'], 'series_value') }}

),

total_values as (

    select
        batch_id,
        account_id,
        interval_start,
        extracted_at,
        record_index,
        {{ json_text('record', ['name']) }} as metric_name,
        {{ json_text('record', ['period']) }} as metric_period,
        'total_value' as value_kind,
        cast(null as {{ dbt.type_string() }}) as breakdown_value,
        cast(null as timestamp with time zone) as period_end_at,
        {{ dbt.safe_cast(json_text('record', ['total_value', 'value']), dbt.type_numeric()) }} as metric_value

    from source
    where {{ json_text('record', ['total_value', 'value']) }} is not null

),

breakdown_values as (

    select
        source.batch_id,
        source.account_id,
        source.interval_start,
        source.extracted_at,
        source.record_index,
        case {{ json_text('breakdown_result.value', ['dimension_values', '0']) }}
            when 'FOLLOWER' then 'follows'
            when 'NON_FOLLOWER' then 'unfollows'
            else {{ json_text('source.record', ['name']) }}
        end as metric_name,
        {{ json_text('source.record', ['period']) }} as metric_period,
        'breakdown' as value_kind,
        {{ json_text('breakdown_result.value', ['dimension_values', '0']) }} as breakdown_value,
        cast(null as timestamp with time zone) as period_end_at,
        {{ dbt.safe_cast(json_text('breakdown_result.value', ['value']), dbt.type_numeric()) }} as metric_value

    from source
    cross join {{ json_unnest('source.record', ['total_value', 'breakdowns'], 'breakdown') }}
    cross join {{ json_unnest('breakdown.value', ['results'], 'breakdown_result') }}

),

unioned as (

    select * from time_series_values
    union all
    select * from total_values
    union all
    select * from breakdown_values

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by
                account_id,
                metric_name,
                value_kind,
                breakdown_value,
                period_end_at,
                case when period_end_at is null then interval_start end
            order by extracted_at desc, record_index desc
        ) as row_rank

    from unioned

),

final as (

    select
        batch_id,
        account_id,
        metric_name,
        metric_period,
        value_kind,
        breakdown_value,
        period_end_at,
        metric_value,
        interval_start as batch_interval_start,
        extracted_at,
        -- the local reporting day of total values; time-series values are dated by period_end_at
        case when value_kind <> 'time_series' then interval_start end as reporting_date

    from deduplicated
    where row_rank = 1

)

select * from final
