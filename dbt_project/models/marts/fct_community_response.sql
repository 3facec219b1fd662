{#- One row per (platform, account_id, response_date): the comments received on the day (local
    day of the comment, from people other than the account) and how the account answered them,
    whenever it did: comments_replied = comments with a reply by the account, reply_rate =
    replied / received, first response time = first reply - comment, in minutes, as the median
    and the 90th percentile (percentile_cont, interpolated) over the replied comments.
    A comment received late on a day may be answered on a later day: the day's numbers are final
    once no answer is outstanding. -#}
with

comments as (

    select * from {{ ref('int_comments_unioned') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}

),

response_times as (

    select
        platform,
        account_id,
        received_date,
        first_reply_at,
        case
            when first_reply_at is not null
                then {{ dbt.datediff('received_at', 'first_reply_at', 'second') }} / 60.0
        end as first_response_minutes

    from comments

),

aggregated as (

    select
        platform,
        account_id,
        received_date as response_date,
        count(*) as comments_received,
        count(first_reply_at) as comments_replied,
        percentile_cont(0.5) within group (order by first_response_minutes) as median_first_response_minutes,
        percentile_cont(0.9) within group (order by first_response_minutes) as p90_first_response_minutes

    from response_times
    group by platform, account_id, received_date

),

final as (

    select
        aggregated.platform,
        aggregated.account_id,
        aggregated.response_date,
        accounts.account_name,
        cast(aggregated.comments_received as {{ dbt.type_bigint() }}) as comments_received,
        cast(aggregated.comments_replied as {{ dbt.type_bigint() }}) as comments_replied,
        {{ rate('aggregated.comments_replied', 'aggregated.comments_received') }} as reply_rate,
        cast(aggregated.median_first_response_minutes as {{ dbt.type_numeric() }}) as median_first_response_minutes,
        cast(aggregated.p90_first_response_minutes as {{ dbt.type_numeric() }}) as p90_first_response_minutes

    from aggregated
    left join accounts
        on
            aggregated.platform = accounts.source
            and aggregated.account_id = accounts.account_id

)

select * from final
