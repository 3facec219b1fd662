{#- One row per post: the post list is re-read every day, so the latest extraction wins.
    Lifetime counters: reactions and comments from the summaries, shares from `shares.count`,
    which Graph leaves out when nobody shared (0). -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'facebook'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('facebook', 'posts') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        {{ json_text('record', ['id']) }} as post_id,
        account_id,
        {{ json_text('record', ['message']) }} as message,
        {{ json_text('record', ['link']) }} as link_url,
        {{ json_text('record', ['status_type']) }} as status_type,
        {{ json_text('record', ['permalink_url']) }} as permalink,
        cast({{ json_text('record', ['created_time']) }} as timestamp with time zone) as published_at,
        {{ dbt.safe_cast(json_text('record', ['reactions', 'summary', 'total_count']), dbt.type_bigint()) }}
            as reactions,
        {{ dbt.safe_cast(json_text('record', ['comments', 'summary', 'total_count']), dbt.type_bigint()) }}
            as comments,
        coalesce({{ dbt.safe_cast(json_text('record', ['shares', 'count']), dbt.type_bigint()) }}, 0) as shares,
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
        message,
        link_url,
        status_type,
        case
            when status_type in ('added_photos', 'mobile_status_update_photo') then 'image'
            when status_type in ('added_video', 'shared_video') then 'video'
            when status_type = 'shared_story' then 'link'
            when status_type in ('mobile_status_update', 'wall_post') then 'text'
            else 'other'
        end as post_format,
        permalink,
        lower(
            coalesce(
                {{ regex_extract('message', 'utm_campaign=([^&#[:space:]]+)') }},
                {{ regex_extract('link_url', 'utm_campaign=([^&#[:space:]]+)') }}
            )
        ) as utm_campaign,
        published_at,
        reactions,
        comments,
        shares,
        extracted_at

    from renamed
    where row_rank = 1

)

select * from final
