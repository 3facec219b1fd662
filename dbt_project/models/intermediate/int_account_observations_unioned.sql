{#- Every platform's account-level observations in one column contract (Fivetran
    social_media_reporting pattern), before any dating: one row per value a platform reported.
    - metric_name: followers_snapshot, followers_gained, followers_lost, follower_net_change, likes,
      comments, shares, saves, engagements, reach, views;
    - metric_value: the value as reported (null when the platform reported the metric as unknown);
    - value_date: the day the value stands for, when the platform gives a day; else
    - value_end_at + value_timezone: the end of the period the value covers, and the zone whose
      midnights cut the platform's days (null: the account's timezone);
    - is_snapshot: a follower total read at extraction (it does not make a day with daily metrics);
    - precedence: when two sources give the same metric for the same day, the lower one wins.
    int_account_days_dated turns these into account days. A new platform adds its
    `int_<platform>__account_observations_conformed` model as one more CTE and `union all`. -#}
{%- set observation_columns = [
    'platform', 'account_id', 'metric_name', 'metric_value', 'value_date', 'value_end_at',
    'value_timezone', 'is_snapshot', 'precedence', 'extracted_at',
] | join(', ') -%}

with

instagram as (

    select {{ observation_columns }}
    from {{ ref('int_instagram__account_observations_conformed') }}

),

facebook as (

    select {{ observation_columns }}
    from {{ ref('int_facebook__account_observations_conformed') }}

),

x as (

    select {{ observation_columns }}
    from {{ ref('int_x__account_observations_conformed') }}

),

linkedin as (

    select {{ observation_columns }}
    from {{ ref('int_linkedin__account_observations_conformed') }}

),

youtube as (

    select {{ observation_columns }}
    from {{ ref('int_youtube__account_observations_conformed') }}

),

tiktok as (

    select {{ observation_columns }}
    from {{ ref('int_tiktok__account_observations_conformed') }}

),

post_increases as (

    -- X and TikTok daily counters: increases of their posts' lifetime counters
    select {{ observation_columns }}
    from {{ ref('int_account_post_increases_summed') }}

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
    union all
    select * from post_increases

)

select * from final
