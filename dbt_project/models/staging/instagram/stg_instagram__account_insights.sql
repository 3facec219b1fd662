{#- One row per metric per value: a `values[]` item (time series, dated by its end_time), a
    `total_value` (the batch's reporting day), or one follow type of `follows_and_unfollows`
    (breakdown by follow_type: FOLLOWER -> `follows`, NON_FOLLOWER -> `unfollows`).
    Zero versus unknown (Meta omits zero-valued breakdown results):
    - a `follows_and_unfollows` entry that is present is a computed answer: a follow type without a
      result is 0 (an empty `results` list is 0 follows and 0 unfollows, a quiet day);
    - a metric without an entry (Meta's empty data set: "does not exist or is currently
      unavailable"), a failed or quarantined batch: no row here, so the day's value is unknown.
    A time-series value's day is set once, in int_account_days_dated. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'instagram'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('instagram', 'account_insights') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

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

follow_types as (

    select
        'FOLLOWER' as follow_type,
        'follows' as metric_name
    union all
    select
        'NON_FOLLOWER' as follow_type,
        'unfollows' as metric_name

),

follow_entries as (

    -- the present follows_and_unfollows entries (with or without results)
    select
        batch_id,
        account_id,
        interval_start,
        extracted_at,
        record_index,
        {{ json_text('record', ['period']) }} as metric_period

    from source
    where
        {{ json_text('record', ['name']) }} = 'follows_and_unfollows'
        and {{ json_text('record', ['total_value']) }} is not null

),

follow_results as (

    select
        source.batch_id,
        source.record_index,
        {{ json_text('breakdown_result.value', ['dimension_values', '0']) }} as follow_type,
        {{ dbt.safe_cast(json_text('breakdown_result.value', ['value']), dbt.type_numeric()) }} as metric_value

    from source
    cross join {{ json_unnest('source.record', ['total_value', 'breakdowns'], 'breakdown') }}
    cross join {{ json_unnest('breakdown.value', ['results'], 'breakdown_result') }}
    where {{ json_text('source.record', ['name']) }} = 'follows_and_unfollows'

),

breakdown_values as (

    -- every follow type of a present entry; Meta omits the zero-valued ones, so a missing one is 0
    select
        follow_entries.batch_id,
        follow_entries.account_id,
        follow_entries.interval_start,
        follow_entries.extracted_at,
        follow_entries.record_index,
        follow_types.metric_name,
        follow_entries.metric_period,
        'breakdown' as value_kind,
        follow_types.follow_type as breakdown_value,
        cast(null as timestamp with time zone) as period_end_at,
        cast(coalesce(sum(follow_results.metric_value), 0) as {{ dbt.type_numeric() }}) as metric_value

    from follow_entries
    cross join follow_types
    left join follow_results
        on
            follow_entries.batch_id = follow_results.batch_id
            and follow_entries.record_index = follow_results.record_index
            and follow_types.follow_type = follow_results.follow_type
    group by
        follow_entries.batch_id,
        follow_entries.account_id,
        follow_entries.interval_start,
        follow_entries.extracted_at,
        follow_entries.record_index,
        follow_types.metric_name,
        follow_entries.metric_period,
        follow_types.follow_type

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
