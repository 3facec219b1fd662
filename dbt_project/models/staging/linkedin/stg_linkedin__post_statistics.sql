{#- History model: the lifetime statistics of every post as each daily batch read them, one row
    per (post, batch). The post is `share` or `ugcPost`, whichever the record names. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'linkedin'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('linkedin', 'post_statistics') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        batch_id,
        account_id,
        coalesce({{ json_text('record', ['share']) }}, {{ json_text('record', ['ugcPost']) }}) as post_id,
        interval_start as batch_interval_start,
        extracted_at,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'impressionCount']), dbt.type_bigint()) }}
            as impressions,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'uniqueImpressionsCount']), dbt.type_bigint()) }}
            as unique_impressions,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'clickCount']), dbt.type_bigint()) }}
            as clicks,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'likeCount']), dbt.type_bigint()) }}
            as likes,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'commentCount']), dbt.type_bigint()) }}
            as comments,
        {{ dbt.safe_cast(json_text('record', ['totalShareStatistics', 'shareCount']), dbt.type_bigint()) }}
            as shares,
        record_index

    from source

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by post_id, batch_interval_start
            order by extracted_at desc, record_index desc
        ) as row_rank

    from renamed

),

final as (

    select
        batch_id,
        account_id,
        post_id,
        batch_interval_start,
        extracted_at,
        impressions,
        unique_impressions,
        clicks,
        likes,
        comments,
        shares

    from deduplicated
    where row_rank = 1

)

select * from final
