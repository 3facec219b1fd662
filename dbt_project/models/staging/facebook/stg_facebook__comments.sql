{#- One row per comment and one per reply nested in it (`comments.data`), from the latest
    extraction of the top-level comment: a later batch of the same post holds the newer replies.
    `from` is missing when Graph hides the author; the author is then unknown (null). -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'facebook'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('facebook', 'comments') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

latest_comments as (

    select
        account_id,
        extracted_at,
        record,
        row_number() over (
            partition by account_id, {{ json_text('record', ['id']) }}
            order by extracted_at desc, record_index desc
        ) as row_rank

    from source

),

comments as (

    select
        {{ json_text('record', ['id']) }} as comment_id,
        cast(null as {{ dbt.type_string() }}) as parent_comment_id,
        {{ json_text('record', ['_parent_id']) }} as post_id,
        account_id,
        {{ json_text('record', ['from', 'id']) }} as author_id,
        {{ json_text('record', ['from', 'name']) }} as author_name,
        {{ json_text('record', ['message']) }} as message,
        cast({{ json_text('record', ['created_time']) }} as timestamp with time zone) as commented_at,
        false as is_reply,
        extracted_at

    from latest_comments
    where row_rank = 1

),

replies as (

    select
        {{ json_text('reply.value', ['id']) }} as comment_id,
        {{ json_text('latest_comments.record', ['id']) }} as parent_comment_id,
        {{ json_text('latest_comments.record', ['_parent_id']) }} as post_id,
        latest_comments.account_id,
        {{ json_text('reply.value', ['from', 'id']) }} as author_id,
        {{ json_text('reply.value', ['from', 'name']) }} as author_name,
        {{ json_text('reply.value', ['message']) }} as message,
        cast({{ json_text('reply.value', ['created_time']) }} as timestamp with time zone) as commented_at,
        true as is_reply,
        latest_comments.extracted_at

    from latest_comments
    cross join {{ json_unnest('latest_comments.record', ['comments', 'data'], 'reply') }}
    where latest_comments.row_rank = 1

),

final as (

    select * from comments
    union all
    select * from replies

)

select * from final
