{#- One row per planned post (content_calendar seed) plus one per published post that no plan
    claims. A plan and a post match when they share platform, account and campaign (or the plan
    has none), the post went out no earlier than `content_calendar_on_time_tolerance_hours` before
    the plan and no later than `content_calendar_match_window_days` after it. Each post fulfils its
    nearest plan; each plan keeps the nearest of the posts that chose it.
    status: on_time (published within the tolerance of planned_at), late (after it), missed (no
    post and planned_at before the end of the data), scheduled (no post yet, planned later),
    unplanned (a post without a plan). -#}
{%- set tolerance_hours = var('content_calendar_on_time_tolerance_hours') | int -%}
{%- set match_window_days = var('content_calendar_match_window_days') | int -%}
with

calendar as (

    select * from {{ ref('content_calendar') }}

),

posts as (

    select * from {{ ref('int_posts_unioned') }}

),

plans as (

    select
        {{ dbt.hash(dbt.concat([
            "'plan'", 'platform', "'|'", 'account_id', "'|'",
            "cast(planned_at as " ~ dbt.type_string() ~ ")", "'|'", 'title',
        ])) }} as calendar_item_id,
        platform,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(planned_at as timestamp with time zone) as planned_at,
        title,
        lower(campaign) as campaign

    from calendar

),

data_bounds as (

    select max(published_at) as last_published_at
    from posts

),

candidates as (

    select
        plans.calendar_item_id,
        posts.platform,
        posts.post_id,
        posts.published_at,
        abs({{ dbt.datediff('plans.planned_at', 'posts.published_at', 'second') }}) as distance_seconds

    from plans
    inner join posts
        on
            plans.platform = posts.platform
            and plans.account_id = posts.account_id
            and (plans.campaign is null or plans.campaign = lower(posts.utm_campaign))
            and posts.published_at >= {{ dbt.dateadd('hour', -tolerance_hours, 'plans.planned_at') }}
            and posts.published_at <= {{ dbt.dateadd('day', match_window_days, 'plans.planned_at') }}

),

post_assignments as (

    -- every post fulfils at most its nearest plan
    select
        *,
        row_number() over (
            partition by platform, post_id order by distance_seconds, calendar_item_id
        ) as rank_for_post

    from candidates

),

plan_assignments as (

    -- every plan takes the nearest of the posts assigned to it; the others stay unplanned
    select
        *,
        row_number() over (
            partition by calendar_item_id order by distance_seconds, published_at, post_id
        ) as rank_for_plan

    from post_assignments
    where rank_for_post = 1

),

matches as (

    select
        calendar_item_id,
        platform,
        post_id,
        published_at

    from plan_assignments
    where rank_for_plan = 1

),

planned_items as (

    select
        plans.calendar_item_id,
        plans.platform,
        plans.account_id,
        plans.title,
        plans.campaign,
        plans.planned_at,
        matches.post_id,
        matches.published_at,
        true as is_planned,
        case
            when matches.post_id is null and plans.planned_at <= data_bounds.last_published_at then 'missed'
            when matches.post_id is null then 'scheduled'
            when
                matches.published_at <= {{ dbt.dateadd('hour', tolerance_hours, 'plans.planned_at') }}
                then 'on_time'
            else 'late'
        end as status

    from plans
    cross join data_bounds
    left join matches
        on plans.calendar_item_id = matches.calendar_item_id

),

unplanned_items as (

    select
        {{ dbt.hash(dbt.concat(["'post'", 'posts.platform', "'|'", 'posts.post_id'])) }} as calendar_item_id,
        posts.platform,
        posts.account_id,
        cast(null as {{ dbt.type_string() }}) as title,
        lower(posts.utm_campaign) as campaign,
        cast(null as timestamp with time zone) as planned_at,
        posts.post_id,
        posts.published_at,
        false as is_planned,
        'unplanned' as status

    from posts
    left join matches
        on
            posts.platform = matches.platform
            and posts.post_id = matches.post_id
    where matches.post_id is null

),

unioned as (

    select * from planned_items
    union all
    select * from unplanned_items

),

final as (

    select
        calendar_item_id,
        platform,
        account_id,
        title,
        campaign,
        planned_at,
        post_id,
        published_at,
        is_planned,
        status,
        status = 'on_time' as is_on_time,
        cast({{ dbt.date_trunc('week', 'coalesce(planned_at, published_at)') }} as date) as calendar_week,
        cast(
            case
                when status in ('on_time', 'late')
                    then {{ dbt.datediff("planned_at", "published_at", "minute") }} / 60.0
            end as {{ dbt.type_numeric() }}
        ) as delay_hours

    from unioned

)

select * from final
