{#- History model: one follower total (`firstDegreeSize`) per batch; its interval_start is the day
    it stands for. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'linkedin'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('linkedin', 'network_size') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        batch_id,
        account_id,
        interval_start as batch_interval_start,
        extracted_at,
        {{ dbt.safe_cast(json_text('record', ['firstDegreeSize']), dbt.type_bigint()) }} as followers,
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
        followers

    from renamed
    where row_rank = 1

)

select * from final
