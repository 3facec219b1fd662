{#- History model: one followers snapshot per batch; its interval_start is the day it stands for. -#}
with

configured_accounts as (

    select account_id from {{ ref('stg_socialkpi__accounts') }}
    where source = 'x'

),

source as (

    -- raw keeps every account ever extracted; the marts show exactly the configured ones
    select * from {{ source('x', 'user') }}
    where account_id in (select configured_accounts.account_id from configured_accounts)

),

renamed as (

    select
        batch_id,
        account_id,
        interval_start as batch_interval_start,
        extracted_at,
        {{ json_text('record', ['id']) }} as user_id,
        {{ json_text('record', ['username']) }} as username,
        {{ json_text('record', ['name']) }} as user_name,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'followers_count']), dbt.type_bigint()) }}
            as followers,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'following_count']), dbt.type_bigint()) }}
            as follows,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'tweet_count']), dbt.type_bigint()) }}
            as post_count,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'listed_count']), dbt.type_bigint()) }}
            as listed_count,
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
        user_id,
        username,
        user_name,
        followers,
        follows,
        post_count,
        listed_count

    from renamed
    where row_rank = 1

)

select * from final
