with

campaigns as (

    select * from {{ ref('campaigns') }}

),

final as (

    select
        lower(campaign) as campaign,
        campaign_name,
        campaign_type,
        owner,
        start_date,
        end_date,
        cast(budget as {{ dbt.type_numeric() }}) as budget,
        currency,
        campaign_type in ('paid', 'influencer') as is_paid,
        {{ dbt.datediff('start_date', 'end_date', 'day') }} + 1 as duration_days

    from campaigns

)

select * from final
