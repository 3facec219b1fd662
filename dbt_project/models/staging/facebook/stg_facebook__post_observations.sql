{#- History model: the lifetime counters of every post as each daily posts batch read them, one
    row per (post, batch). Which day an observation stands for is decided in intermediate. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'facebook'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('facebook', 'posts') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        batch_id,
        account_id,
        {{ json_text('record', ['id']) }} as post_id,
        interval_start as batch_interval_start,
        extracted_at,
        {{ dbt.safe_cast(json_text('record', ['reactions', 'summary', 'total_count']), dbt.type_bigint()) }}
            as reactions,
        {{ dbt.safe_cast(json_text('record', ['comments', 'summary', 'total_count']), dbt.type_bigint()) }}
            as comments,
        coalesce({{ dbt.safe_cast(json_text('record', ['shares', 'count']), dbt.type_bigint()) }}, 0) as shares,
        row_number() over (
            partition by {{ json_text('record', ['id']) }}, interval_start
            order by extracted_at desc, record_index desc
        ) as row_rank

    from source

),

final as (

    select
        batch_id,
        account_id,
        post_id,
        batch_interval_start,
        extracted_at,
        reactions,
        comments,
        shares

    from renamed
    where row_rank = 1

)

select * from final
