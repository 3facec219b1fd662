{#- One row per video, from the latest extraction. `create_time` is unix seconds. TikTok videos
    carry no links (the link is in the bio), so there is no utm_campaign. The handle is read from
    share_url (https://www.tiktok.com/@handle/video/id). -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'tiktok'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('tiktok', 'videos') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        {{ json_text('record', ['id']) }} as video_id,
        account_id,
        {{ json_text('record', ['title']) }} as title,
        {{ json_text('record', ['share_url']) }} as share_url,
        {{ dbt.safe_cast(json_text('record', ['create_time']), dbt.type_bigint()) }} as create_time,
        {{ dbt.safe_cast(json_text('record', ['view_count']), dbt.type_bigint()) }} as views,
        {{ dbt.safe_cast(json_text('record', ['like_count']), dbt.type_bigint()) }} as likes,
        {{ dbt.safe_cast(json_text('record', ['comment_count']), dbt.type_bigint()) }} as comments,
        {{ dbt.safe_cast(json_text('record', ['share_count']), dbt.type_bigint()) }} as shares,
        extracted_at,
        row_number() over (
            partition by {{ json_text('record', ['id']) }}
            order by extracted_at desc, record_index desc
        ) as row_rank

    from source

),

final as (

    select
        video_id,
        account_id,
        title,
        share_url as permalink,
        {{ regex_extract('share_url', '/@([^/?#]+)') }} as username,
        {{ epoch_to_timestamp('create_time', 'second') }} as published_at,
        views,
        likes,
        comments,
        shares,
        extracted_at

    from renamed
    where row_rank = 1

)

select * from final
