{#- One row per (account, mention): posts by others that mention the account, latest extraction. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'x'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('x', 'mentions') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        {{ json_text('record', ['id']) }} as mention_id,
        account_id,
        {{ json_text('record', ['author_id']) }} as author_id,
        {{ json_text('record', ['conversation_id']) }} as conversation_id,
        {{ json_text('record', ['in_reply_to_user_id']) }} as in_reply_to_user_id,
        {{ json_text('record', ['text']) }} as mention_text,
        cast({{ json_text('record', ['created_at']) }} as timestamp with time zone) as mentioned_at,
        extracted_at,
        row_number() over (
            partition by account_id, {{ json_text('record', ['id']) }}
            order by extracted_at desc, record_index desc
        ) as row_rank

    from source

),

final as (

    select
        mention_id,
        account_id,
        author_id,
        conversation_id,
        in_reply_to_user_id,
        mention_text,
        mentioned_at,
        extracted_at

    from renamed
    where row_rank = 1

)

select * from final
