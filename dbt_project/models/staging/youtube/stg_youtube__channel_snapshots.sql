{#- History model: one channel snapshot per batch (subscriberCount is the follower total; the
    Data API sends counts as strings); its interval_start is the day it stands for. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'youtube'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('youtube', 'channel') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        batch_id,
        account_id,
        interval_start as batch_interval_start,
        extracted_at,
        {{ json_text('record', ['id']) }} as channel_id,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'subscriberCount']), dbt.type_bigint()) }} as followers,
        {{ json_text('record', ['statistics', 'hiddenSubscriberCount']) }} = 'true' as is_subscriber_count_hidden,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'viewCount']), dbt.type_bigint()) }} as lifetime_views,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'videoCount']), dbt.type_bigint()) }} as video_count,
        {{ json_text('record', ['contentDetails', 'relatedPlaylists', 'uploads']) }} as uploads_playlist_id,
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
        channel_id,
        followers,
        is_subscriber_count_hidden,
        lifetime_views,
        video_count,
        uploads_playlist_id

    from renamed
    where row_rank = 1

)

select * from final
