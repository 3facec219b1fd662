{#- Instagram lifetime counters per (post, day): the value at the end of `metric_date`.
    An observation extracted on local day s stands for the end of day s - 1 (as snapshots do),
    but never for a day before the post was published; the latest extraction wins per day. -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

media_insights as (

    select * from {{ ref('stg_instagram__media_insights') }}

),

media as (

    select * from {{ ref('stg_instagram__media') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}
    where source = 'instagram'

),

observations as (

    select
        media_insights.media_id,
        media.account_id,
        media_insights.metric_name,
        media_insights.metric_value,
        media_insights.extracted_at,
        {{ to_local_date('media.published_at', account_timezone) }} as published_date,
        {{ add_days(-1, to_local_date('media_insights.extracted_at', account_timezone)) }} as observed_date

    from media_insights
    inner join media
        on media_insights.media_id = media.media_id
    left join accounts
        on media.account_id = accounts.account_id

),

observations_dated as (

    select
        media_id,
        account_id,
        metric_name,
        metric_value,
        published_date,
        case when observed_date < published_date then published_date else observed_date end as metric_date,
        row_number() over (
            partition by
                media_id,
                metric_name,
                case when observed_date < published_date then published_date else observed_date end
            order by extracted_at desc
        ) as row_rank

    from observations

),

final as (

    select
        'instagram' as platform,
        account_id,
        media_id as post_id,
        metric_date,
        published_date,
        cast(max(case when metric_name = 'likes' then metric_value end) as {{ dbt.type_bigint() }})
            as lifetime_likes,
        cast(max(case when metric_name = 'comments' then metric_value end) as {{ dbt.type_bigint() }})
            as lifetime_comments,
        cast(max(case when metric_name = 'shares' then metric_value end) as {{ dbt.type_bigint() }})
            as lifetime_shares,
        cast(max(case when metric_name = 'saved' then metric_value end) as {{ dbt.type_bigint() }})
            as lifetime_saves,
        cast(max(case when metric_name = 'views' then metric_value end) as {{ dbt.type_bigint() }})
            as lifetime_views

    from observations_dated
    where row_rank = 1
    group by account_id, media_id, metric_date, published_date

)

select * from final
