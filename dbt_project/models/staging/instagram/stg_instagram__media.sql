{#- One row per media: the media list is re-read every day, so the latest extraction wins. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'instagram'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('instagram', 'media') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        {{ json_text('record', ['id']) }} as media_id,
        account_id,
        {{ json_text('record', ['caption']) }} as caption,
        {{ json_text('record', ['media_type']) }} as media_type,
        {{ json_text('record', ['media_product_type']) }} as media_product_type,
        {{ json_text('record', ['permalink']) }} as permalink,
        cast({{ json_text('record', ['timestamp']) }} as timestamp with time zone) as published_at,
        {{ dbt.safe_cast(json_text('record', ['like_count']), dbt.type_bigint()) }} as likes,
        {{ dbt.safe_cast(json_text('record', ['comments_count']), dbt.type_bigint()) }} as comments,
        extracted_at,
        row_number() over (
            partition by {{ json_text('record', ['id']) }}
            order by extracted_at desc, record_index desc
        ) as row_rank

    from source

),

final as (

    select
        media_id,
        account_id,
        caption,
        media_type,
        media_product_type,
        case
            when media_product_type = 'STORY' then 'story'
            when media_product_type = 'REELS' then 'reel'
            when media_type = 'CAROUSEL_ALBUM' then 'carousel'
            when media_type = 'VIDEO' then 'video'
            when media_type = 'IMAGE' then 'image'
            else 'other'
        end as post_format,
        permalink,
        lower({{ regex_extract('caption', 'utm_campaign=([^&#[:space:]]+)') }}) as utm_campaign,
        published_at,
        likes,
        comments,
        extracted_at

    from renamed
    where row_rank = 1

)

select * from final
