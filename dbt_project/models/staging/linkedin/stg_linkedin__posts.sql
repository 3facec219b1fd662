{#- One row per post (`urn:li:share:` or `urn:li:ugcPost:`), from the latest extraction.
    The campaign is the utm_campaign of the article link, else of the first link in the commentary. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'linkedin'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('linkedin', 'posts') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        {{ json_text('record', ['id']) }} as post_id,
        account_id,
        {{ json_text('record', ['author']) }} as author_urn,
        {{ json_text('record', ['commentary']) }} as commentary,
        {{ json_text('record', ['content', 'article', 'source']) }} as article_url,
        {{ json_text('record', ['content', 'media', 'id']) }} as media_urn,
        {{ json_text('record', ['lifecycleState']) }} as lifecycle_state,
        {{ json_text('record', ['visibility']) }} as visibility,
        {{ dbt.safe_cast(json_text('record', ['publishedAt']), dbt.type_bigint()) }} as published_ms,
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
        author_urn,
        commentary,
        article_url,
        lifecycle_state,
        visibility,
        case
            when article_url is not null then 'link'
            when post_id like 'urn:li:ugcPost:%' or media_urn like 'urn:li:video:%' then 'video'
            when media_urn like 'urn:li:image:%' then 'image'
            else 'text'
        end as post_format,
        {{ dbt.concat(["'https://www.linkedin.com/feed/update/'", 'post_id']) }} as permalink,
        lower(
            coalesce(
                {{ regex_extract('article_url', 'utm_campaign=([^&#[:space:]]+)') }},
                {{ regex_extract('commentary', 'utm_campaign=([^&#[:space:]]+)') }}
            )
        ) as utm_campaign,
        {{ epoch_to_timestamp('published_ms', 'millisecond') }} as published_at,
        extracted_at

    from renamed
    where row_rank = 1

)

select * from final
