{#- One row per post of the account (its replies included), from the latest extraction.
    The text carries only t.co links: the campaign is the first utm_campaign= in the expanded
    URLs of `entities.urls[]` (read from the array's JSON text, which keeps the array's order). -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'x'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('x', 'posts') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        {{ json_text('record', ['id']) }} as post_id,
        account_id,
        {{ json_text('record', ['author_id']) }} as author_id,
        {{ json_text('record', ['text']) }} as post_text,
        {{ json_text('record', ['conversation_id']) }} as conversation_id,
        {{ json_text('record', ['in_reply_to_user_id']) }} as in_reply_to_user_id,
        {{ json_text('record', ['entities', 'urls']) }} as urls_json,
        cast({{ json_text('record', ['created_at']) }} as timestamp with time zone) as published_at,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'like_count']), dbt.type_bigint()) }} as likes,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'reply_count']), dbt.type_bigint()) }} as replies,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'retweet_count']), dbt.type_bigint()) }}
            as retweets,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'quote_count']), dbt.type_bigint()) }} as quotes,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'bookmark_count']), dbt.type_bigint()) }}
            as bookmarks,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'impression_count']), dbt.type_bigint()) }}
            as impressions,
        extracted_at,
        row_number() over (
            partition by {{ json_text('record', ['id']) }}
            order by extracted_at desc, record_index desc
        ) as row_rank

    from source

),

final as (

    select
        post_id,
        account_id,
        author_id,
        post_text,
        conversation_id,
        in_reply_to_user_id,
        -- a reply to another user answers a mention or a comment: community care, not content
        coalesce(in_reply_to_user_id <> coalesce(author_id, account_id), false) as is_reply_to_others,
        case when urls_json is not null then 'link' else 'text' end as post_format,
        {{ dbt.concat(["'https://x.com/i/web/status/'", 'post_id']) }} as permalink,
        lower({{ regex_extract('urls_json', 'utm_campaign=([^&#"[:space:]]+)') }}) as utm_campaign,
        published_at,
        likes,
        replies,
        retweets,
        quotes,
        bookmarks,
        impressions,
        extracted_at

    from renamed
    where row_rank = 1

)

select * from final
