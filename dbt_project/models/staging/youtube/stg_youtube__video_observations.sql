{#- History model: the lifetime counters of every video as each daily videos batch read them,
    one row per (video, batch). Which day an observation stands for is decided in intermediate. -#}
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
        batch_id,
        account_id,
        {{ json_text('record', ['id']) }} as video_id,
        interval_start as batch_interval_start,
        extracted_at,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'viewCount']), dbt.type_bigint()) }} as views,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'likeCount']), dbt.type_bigint()) }} as likes,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'commentCount']), dbt.type_bigint()) }} as comments,
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
        video_id,
        batch_interval_start,
        extracted_at,
        views,
        likes,
        comments

    from renamed
    where row_rank = 1

)

select * from final
