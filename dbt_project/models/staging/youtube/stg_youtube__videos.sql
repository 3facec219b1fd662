{#- One row per video, from the latest extraction. Counts arrive as strings; the campaign is the
    first utm_campaign= in the description. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'youtube'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('youtube', 'videos') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        {{ json_text('record', ['id']) }} as video_id,
        account_id,
        {{ json_text('record', ['snippet', 'channelId']) }} as channel_id,
        {{ json_text('record', ['snippet', 'title']) }} as title,
        {{ json_text('record', ['snippet', 'description']) }} as description,
        cast({{ json_text('record', ['snippet', 'publishedAt']) }} as timestamp with time zone) as published_at,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'viewCount']), dbt.type_bigint()) }} as views,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'likeCount']), dbt.type_bigint()) }} as likes,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'commentCount']), dbt.type_bigint()) }} as comments,
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
        channel_id,
        title,
        description,
        {{ dbt.concat(["'https://www.youtube.com/watch?v='", 'video_id']) }} as permalink,
        lower({{ regex_extract('description', 'utm_campaign=([^&#[:space:]]+)') }}) as utm_campaign,
        published_at,
        views,
        likes,
        comments,
        extracted_at

    from renamed
    where row_rank = 1

)

select * from final
