{#- One row per (platform, handle, snapshot_date): a competitor's public profile numbers as read
    for the day (the latest extraction of the day wins). -#}
with

instagram as (

    select
        'instagram' as platform,
        account_id as handle,
        interval_start as snapshot_date,
        extracted_at,
        record_index,
        {{ json_text('record', ['id']) }} as profile_id,
        coalesce({{ json_text('record', ['name']) }}, {{ json_text('record', ['username']) }}) as display_name,
        {{ dbt.safe_cast(json_text('record', ['followers_count']), dbt.type_bigint()) }} as followers,
        {{ dbt.safe_cast(json_text('record', ['media_count']), dbt.type_bigint()) }} as posts_total

    from {{ source('competitors', 'instagram_accounts') }}

),

youtube as (

    select
        'youtube' as platform,
        account_id as handle,
        interval_start as snapshot_date,
        extracted_at,
        record_index,
        {{ json_text('record', ['id']) }} as profile_id,
        {{ json_text('record', ['snippet', 'title']) }} as display_name,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'subscriberCount']), dbt.type_bigint()) }} as followers,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'videoCount']), dbt.type_bigint()) }} as posts_total

    from {{ source('competitors', 'youtube_channels') }}

),

x as (

    select
        'x' as platform,
        account_id as handle,
        interval_start as snapshot_date,
        extracted_at,
        record_index,
        {{ json_text('record', ['id']) }} as profile_id,
        {{ json_text('record', ['name']) }} as display_name,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'followers_count']), dbt.type_bigint()) }} as followers,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'tweet_count']), dbt.type_bigint()) }} as posts_total

    from {{ source('competitors', 'x_users') }}

),

unioned as (

    select * from instagram
    union all
    select * from youtube
    union all
    select * from x

),

ranked as (

    select
        *,
        row_number() over (
            partition by platform, handle, snapshot_date
            order by extracted_at desc, record_index desc
        ) as row_rank

    from unioned

),

final as (

    select
        platform,
        handle,
        snapshot_date,
        profile_id,
        display_name,
        followers,
        posts_total,
        extracted_at

    from ranked
    where row_rank = 1

)

select * from final
