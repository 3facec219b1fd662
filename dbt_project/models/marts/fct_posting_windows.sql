{#- Best time to post: one row per (platform, account_id, publish_weekday, publish_hour) with posts
    in the window, weekday and hour of the publish time in the account's timezone (the same
    timezone as every local day: its configured one, UTC when not configured).
    Window: the posting_windows_weeks weeks ending on the account's newest post, without posts
    younger than posting_windows_min_post_age_days days at that point (their lifetime engagements
    are still growing). A cell's rate is the mean (and median) of its posts' engagement rate by
    followers (post engagements / followers at the end of the publish day, fct_post_performance);
    posts with an unknown rate are left out. Cells with fewer than posting_windows_min_posts posts
    are low confidence and never ranked; the others are ranked per account by mean rate (ties: more
    posts first, then the earlier weekday and hour). -#}
{%- set weeks = var('posting_windows_weeks') | int -%}
{%- set min_age_days = var('posting_windows_min_post_age_days') | int -%}
with

post_performance as (

    select * from {{ ref('fct_post_performance') }}

),

account_days as (

    select * from {{ ref('fct_account_kpis_daily') }}

),

posts as (

    {{ posts_with_follower_rate('post_performance', 'account_days') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}

),

localized as (

    select
        posts.platform,
        posts.account_id,
        posts.post_id,
        posts.published_date,
        posts.engagements,
        posts.rate_by_followers as engagement_rate_by_followers,
        accounts.account_name,
        cast(
            extract(isodow from posts.published_at at time zone coalesce(accounts.timezone, 'UTC'))
            as integer
        ) as publish_weekday,
        cast(
            extract(hour from posts.published_at at time zone coalesce(accounts.timezone, 'UTC'))
            as integer
        ) as publish_hour,
        coalesce(accounts.timezone, 'UTC') as account_timezone

    from posts
    left join accounts
        on
            posts.platform = accounts.source
            and posts.account_id = accounts.account_id

),

windows as (

    select
        platform,
        account_id,
        max(published_date) as window_end_date,
        {{ add_days(-(7 * weeks - 1), 'max(published_date)') }} as window_start_date

    from localized
    group by platform, account_id

),

in_window as (

    select
        localized.*,
        windows.window_start_date,
        windows.window_end_date

    from localized
    inner join windows
        on
            localized.platform = windows.platform
            and localized.account_id = windows.account_id
    where
        localized.published_date >= windows.window_start_date
        and localized.published_date <= {{ add_days(-min_age_days, 'windows.window_end_date') }}
        and localized.engagement_rate_by_followers is not null

),

cells as (

    select
        platform,
        account_id,
        publish_weekday,
        publish_hour,
        max(account_name) as account_name,
        max(account_timezone) as account_timezone,
        min(window_start_date) as window_start_date,
        max(window_end_date) as window_end_date,
        count(*) as posts,
        sum(engagements) as engagements,
        avg(engagement_rate_by_followers) as mean_engagement_rate_by_followers,
        percentile_cont(0.5) within group (
            order by engagement_rate_by_followers
        ) as median_engagement_rate_by_followers

    from in_window
    group by platform, account_id, publish_weekday, publish_hour

),

account_means as (

    select
        platform,
        account_id,
        avg(engagement_rate_by_followers) as account_mean_rate

    from in_window
    group by platform, account_id

),

ranked as (

    select
        cells.*,
        cells.posts < {{ var('posting_windows_min_posts') }} as is_low_confidence,
        {{ safe_divide('cells.mean_engagement_rate_by_followers', 'account_means.account_mean_rate') }}
            as rate_index,
        case
            when cells.posts >= {{ var('posting_windows_min_posts') }}
                then row_number() over (
                        partition by
                            cells.platform,
                            cells.account_id,
                            cells.posts >= {{ var('posting_windows_min_posts') }}
                        order by
                            cells.mean_engagement_rate_by_followers desc,
                            cells.posts desc,
                            cells.publish_weekday asc,
                            cells.publish_hour asc
                    )
        end as window_rank

    from cells
    inner join account_means
        on
            cells.platform = account_means.platform
            and cells.account_id = account_means.account_id

),

final as (

    select
        platform,
        account_id,
        publish_weekday,
        publish_hour,
        account_name,
        account_timezone,
        trim(to_char(date '2024-01-07' + publish_weekday, 'Day')) as weekday_name,
        window_start_date,
        window_end_date,
        cast(posts as integer) as posts,
        cast(engagements as {{ dbt.type_bigint() }}) as engagements,
        cast(mean_engagement_rate_by_followers as {{ type_rate() }}) as mean_engagement_rate_by_followers,
        cast(median_engagement_rate_by_followers as {{ type_rate() }}) as median_engagement_rate_by_followers,
        cast(rate_index as {{ type_rate() }}) as rate_index,
        is_low_confidence,
        cast(window_rank as integer) as window_rank

    from ranked

)

select * from final
