{#- Every platform's account days in one column contract (Fivetran social_media_reporting
    pattern). A new platform adds its `int_<platform>__account_days_conformed` model as one more
    CTE selecting `account_day_columns`, and one more `union all`. -#}
{%- set account_day_columns = [
    'platform', 'account_id', 'kpi_date', 'has_account_metrics', 'followers_snapshot',
    'followers_gained', 'followers_lost', 'follower_net_change', 'likes', 'comments', 'shares',
    'saves', 'engagements', 'reach', 'views', 'posts_published',
] | join(', ') -%}

with

instagram as (

    select {{ account_day_columns }}
    from {{ ref('int_instagram__account_days_conformed') }}

),

facebook as (

    select {{ account_day_columns }}
    from {{ ref('int_facebook__account_days_conformed') }}

),

x as (

    select {{ account_day_columns }}
    from {{ ref('int_x__account_days_conformed') }}

),

linkedin as (

    select {{ account_day_columns }}
    from {{ ref('int_linkedin__account_days_conformed') }}

),

youtube as (

    select {{ account_day_columns }}
    from {{ ref('int_youtube__account_days_conformed') }}

),

tiktok as (

    select {{ account_day_columns }}
    from {{ ref('int_tiktok__account_days_conformed') }}

),

final as (

    select * from instagram
    union all
    select * from facebook
    union all
    select * from x
    union all
    select * from linkedin
    union all
    select * from youtube
    union all
    select * from tiktok

)

select * from final
