{#- One row per Plausible goal result row: site x day x visit source x utm medium x utm campaign x
    goal. With the goal as a dimension, `visitors` are unique converting visitors and `events` all
    completions; Plausible's `conversion_rate` is a percentage of the group's visitors and becomes
    a fraction here (2.73 -> 0.0273), as every rate in the project. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'plausible'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('plausible', 'goals_daily') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        account_id as site_id,
        cast({{ json_text('record', ['time:day']) }} as date) as traffic_date,
        {{ json_text('record', ['visit:source']) }} as visit_source,
        {{ json_text('record', ['visit:utm_medium']) }} as utm_medium,
        {{ json_text('record', ['visit:utm_campaign']) }} as utm_campaign,
        {{ json_text('record', ['event:goal']) }} as goal,
        {{ dbt.safe_cast(json_text('record', ['visitors']), dbt.type_bigint()) }} as converting_visitors,
        {{ dbt.safe_cast(json_text('record', ['events']), dbt.type_bigint()) }} as goal_completions,
        cast(
            {{ dbt.safe_cast(json_text('record', ['conversion_rate']), dbt.type_numeric()) }} / 100
            as {{ type_rate() }}
        ) as conversion_rate,
        extracted_at,
        record_index

    from source

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by site_id, traffic_date, visit_source, utm_medium, utm_campaign, goal
            order by extracted_at desc, record_index desc
        ) as row_rank

    from renamed

),

final as (

    select
        site_id,
        traffic_date,
        visit_source,
        utm_medium,
        utm_campaign,
        goal,
        converting_visitors,
        goal_completions,
        conversion_rate,
        extracted_at

    from deduplicated
    where row_rank = 1

)

select * from final
