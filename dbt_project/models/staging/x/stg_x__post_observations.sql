{#- History model: the lifetime `public_metrics` of every post as each daily posts batch read
    them, one row per (post, batch). Which day an observation stands for is decided in intermediate. -#}
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
        batch_id,
        account_id,
        {{ json_text('record', ['id']) }} as post_id,
        interval_start as batch_interval_start,
        extracted_at,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'like_count']), dbt.type_bigint()) }} as likes,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'reply_count']), dbt.type_bigint()) }} as replies,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'retweet_count']), dbt.type_bigint()) }}
            as retweets,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'quote_count']), dbt.type_bigint()) }} as quotes,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'bookmark_count']), dbt.type_bigint()) }}
            as bookmarks,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'impression_count']), dbt.type_bigint()) }}
            as impressions,
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
        likes,
        replies,
        retweets,
        quotes,
        bookmarks,
        impressions

    from renamed
    where row_rank = 1

)

select * from final
