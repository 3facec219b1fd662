{#- History model: one followers snapshot per batch. A snapshot batch's interval_start is the day
    it stands for (followers at the end of that day); intermediate uses it as the KPI day. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'facebook'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('facebook', 'page') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        batch_id,
        account_id,
        interval_start as batch_interval_start,
        extracted_at,
        {{ json_text('record', ['id']) }} as page_id,
        {{ json_text('record', ['name']) }} as page_name,
        {{ dbt.safe_cast(json_text('record', ['followers_count']), dbt.type_bigint()) }} as followers,
        {{ dbt.safe_cast(json_text('record', ['fan_count']), dbt.type_bigint()) }} as fans,
        row_number() over (
            partition by account_id, interval_start
            order by extracted_at desc, record_index desc
        ) as row_rank

    from source

),

final as (

    select
        batch_id,
        account_id,
        batch_interval_start,
        extracted_at,
        page_id,
        page_name,
        followers,
        fans

    from renamed
    where row_rank = 1

)

select * from final
