{#- History model: one user snapshot per batch; its interval_start is the day it stands for. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'tiktok'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('tiktok', 'user') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        batch_id,
        account_id,
        interval_start as batch_interval_start,
        extracted_at,
        {{ json_text('record', ['open_id']) }} as open_id,
        {{ json_text('record', ['display_name']) }} as display_name,
        {{ dbt.safe_cast(json_text('record', ['follower_count']), dbt.type_bigint()) }} as followers,
        {{ dbt.safe_cast(json_text('record', ['following_count']), dbt.type_bigint()) }} as follows,
        {{ dbt.safe_cast(json_text('record', ['likes_count']), dbt.type_bigint()) }} as lifetime_likes,
        {{ dbt.safe_cast(json_text('record', ['video_count']), dbt.type_bigint()) }} as video_count,
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
        open_id,
        display_name,
        followers,
        follows,
        lifetime_likes,
        video_count

    from renamed
    where row_rank = 1

)

select * from final
