with

source as (

    select * from {{ source('socialkpi', 'accounts') }}

),

renamed as (

    select
        cast(source as {{ dbt.type_string() }}) as source,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(account_name as {{ dbt.type_string() }}) as account_name,
        cast(timezone as {{ dbt.type_string() }}) as timezone,
        cast(updated_at as timestamp with time zone) as updated_at,
        row_number() over (
            partition by source, account_id
            order by updated_at desc
        ) as row_rank

    from source

),

final as (

    select
        source,
        account_id,
        account_name,
        timezone,
        updated_at

    from renamed
    where row_rank = 1

)

select * from final
