{#- History model: one lifetime value per (post, metric, batch), like Instagram's media insights.
    The post id is the part of `id` before `/insights/`. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'facebook'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('facebook', 'post_insights') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        batch_id,
        account_id,
        {{ dbt.split_part(json_text('record', ['id']), "'/insights/'", 1) }} as post_id,
        {{ json_text('record', ['name']) }} as metric_name,
        {{ json_text('record', ['period']) }} as metric_period,
        {{ dbt.safe_cast(json_text('record', ['values', '0', 'value']), dbt.type_numeric()) }} as metric_value,
        interval_start as batch_interval_start,
        extracted_at,
        record_index

    from source

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by post_id, metric_name, batch_interval_start
            order by extracted_at desc, record_index desc
        ) as row_rank

    from renamed

),

final as (

    select
        batch_id,
        account_id,
        post_id,
        metric_name,
        metric_period,
        metric_value,
        batch_interval_start,
        extracted_at

    from deduplicated
    where row_rank = 1

)

select * from final
