with

classified_sessions as (

    select * from {{ ref('int_web_sessions_classified') }}

),

aggregated as (

    select
        traffic_date,
        analytics_source,
        account_id,
        platform,
        channel,
        campaign,
        sum(sessions) as sessions,
        sum(engaged_sessions) as engaged_sessions,
        sum(key_events) as key_events,
        sum(revenue) as revenue,
        sum(sessions_with_key_events) as sessions_with_key_events,
        -- the denominator of session_conversion_rate: sessions of rows whose source reports it
        sum(case when sessions_with_key_events is not null then sessions end) as sessions_reporting_conversions

    from classified_sessions
    group by traffic_date, analytics_source, account_id, platform, channel, campaign

),

final as (

    select
        traffic_date,
        analytics_source,
        account_id,
        platform,
        channel,
        campaign,
        cast(sessions as {{ dbt.type_bigint() }}) as sessions,
        cast(engaged_sessions as {{ dbt.type_bigint() }}) as engaged_sessions,
        cast(key_events as {{ dbt.type_numeric() }}) as key_events,
        cast(revenue as {{ dbt.type_numeric() }}) as revenue,
        {{ rate('key_events', 'sessions') }} as conversion_rate,
        cast(sessions_with_key_events as {{ dbt.type_bigint() }}) as sessions_with_key_events,
        {{ rate('sessions_with_key_events', 'sessions_reporting_conversions') }} as session_conversion_rate

    from aggregated

)

select * from final
