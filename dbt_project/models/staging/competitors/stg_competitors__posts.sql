{#- One row per (platform, handle, snapshot_date, post_id): a competitor's recent post with its
    public lifetime counters as read on the snapshot day. Public counters only: Instagram likes and
    comments (Business Discovery has no shares, saves or views), YouTube likes, comments and views,
    X likes, replies (comments), retweets + quotes (shares) and impressions (views). -#}
with

instagram as (

    select
        'instagram' as platform,
        source.account_id as handle,
        source.interval_start as snapshot_date,
        source.extracted_at,
        {{ json_text('media.value', ['id']) }} as post_id,
        cast({{ json_text('media.value', ['timestamp']) }} as timestamp with time zone) as published_at,
        {{ dbt.safe_cast(json_text('media.value', ['like_count']), dbt.type_bigint()) }} as likes,
        {{ dbt.safe_cast(json_text('media.value', ['comments_count']), dbt.type_bigint()) }} as comments,
        cast(null as {{ dbt.type_bigint() }}) as shares,
        cast(null as {{ dbt.type_bigint() }}) as views

    from {{ source('competitors', 'instagram_accounts') }} as source
    cross join {{ json_unnest('source.record', ['media', 'data'], 'media') }}

),

youtube as (

    select
        'youtube' as platform,
        account_id as handle,
        interval_start as snapshot_date,
        extracted_at,
        {{ json_text('record', ['id']) }} as post_id,
        cast({{ json_text('record', ['snippet', 'publishedAt']) }} as timestamp with time zone) as published_at,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'likeCount']), dbt.type_bigint()) }} as likes,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'commentCount']), dbt.type_bigint()) }} as comments,
        cast(null as {{ dbt.type_bigint() }}) as shares,
        {{ dbt.safe_cast(json_text('record', ['statistics', 'viewCount']), dbt.type_bigint()) }} as views

    from {{ source('competitors', 'youtube_videos') }}

),

x as (

    select
        'x' as platform,
        account_id as handle,
        interval_start as snapshot_date,
        extracted_at,
        {{ json_text('record', ['id']) }} as post_id,
        cast({{ json_text('record', ['created_at']) }} as timestamp with time zone) as published_at,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'like_count']), dbt.type_bigint()) }} as likes,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'reply_count']), dbt.type_bigint()) }} as comments,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'retweet_count']), dbt.type_bigint()) }}
        + coalesce({{ dbt.safe_cast(json_text('record', ['public_metrics', 'quote_count']), dbt.type_bigint()) }}, 0)
            as shares,
        {{ dbt.safe_cast(json_text('record', ['public_metrics', 'impression_count']), dbt.type_bigint()) }} as views

    from {{ source('competitors', 'x_posts') }}

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
            partition by platform, handle, snapshot_date, post_id
            order by extracted_at desc
        ) as row_rank

    from unioned

),

final as (

    select
        platform,
        handle,
        snapshot_date,
        post_id,
        published_at,
        likes,
        comments,
        shares,
        views

    from ranked
    where row_rank = 1

)

select * from final
