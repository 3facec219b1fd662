{#- What content works: one row per (platform, content_month, dimension, dimension_value), where
    dimension is `format` (the content format: the platform's post format mapped by the
    post_format_map seed to image, carousel, short_video, video, text, link, live, story, other) or
    `hashtag` (a tag of the caption, int_post_hashtags_extracted). content_month is the first day of
    the month of the post's local publish day. Per row: posts, mean and median engagement rate by
    followers (fct_post_performance; posts with an unknown rate left out of the rates), engagements,
    views and reach per post (over posts reporting them), and the change against the previous
    calendar month of the same platform and value (null when that month had no such post):
    posts_change = posts - previous posts, median_engagement_rate_change = median rate - previous
    median rate (a difference of fractions), views_per_post_change_rate = views per post / previous - 1.
    Lifetime counters of the newest posts are still growing, so the current month reads low. -#}
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

format_map as (

    select * from {{ ref('post_format_map') }}

),

hashtags as (

    select * from {{ ref('int_post_hashtags_extracted') }}

),

by_format as (

    select
        posts.platform,
        posts.post_id,
        'format' as dimension,
        coalesce(format_map.content_format, 'other') as dimension_value

    from posts
    left join format_map
        on
            posts.platform = format_map.platform
            and posts.post_format = format_map.post_format

),

by_hashtag as (

    select
        platform,
        post_id,
        'hashtag' as dimension,
        hashtag as dimension_value

    from hashtags

),

labelled as (

    select * from by_format
    union all
    select * from by_hashtag

),

post_values as (

    select
        labelled.platform,
        labelled.dimension,
        labelled.dimension_value,
        cast(date_trunc('month', posts.published_date) as date) as content_month,
        posts.post_id,
        posts.engagements,
        posts.views,
        posts.reach,
        posts.rate_by_followers as engagement_rate_by_followers

    from labelled
    inner join posts
        on
            labelled.platform = posts.platform
            and labelled.post_id = posts.post_id

),

monthly as (

    select
        platform,
        content_month,
        dimension,
        dimension_value,
        count(*) as posts,
        avg(engagement_rate_by_followers) as mean_engagement_rate_by_followers,
        percentile_cont(0.5) within group (
            order by engagement_rate_by_followers
        ) as median_engagement_rate_by_followers,
        avg(engagements) as engagements_per_post,
        avg(views) as views_per_post,
        avg(reach) as reach_per_post

    from post_values
    group by platform, content_month, dimension, dimension_value

),

compared as (

    select
        current_month.*,
        previous_month.posts as previous_posts,
        previous_month.median_engagement_rate_by_followers as previous_median_engagement_rate,
        previous_month.views_per_post as previous_views_per_post

    from monthly as current_month
    left join monthly as previous_month
        on
            current_month.platform = previous_month.platform
            and current_month.dimension = previous_month.dimension
            and current_month.dimension_value = previous_month.dimension_value
            and cast({{ dbt.dateadd('month', -1, 'current_month.content_month') }} as date)
            = previous_month.content_month

),

final as (

    select
        platform,
        content_month,
        dimension,
        dimension_value,
        cast(posts as integer) as posts,
        cast(mean_engagement_rate_by_followers as {{ type_rate() }}) as mean_engagement_rate_by_followers,
        cast(median_engagement_rate_by_followers as {{ type_rate() }}) as median_engagement_rate_by_followers,
        cast(engagements_per_post as {{ dbt.type_numeric() }}) as engagements_per_post,
        cast(views_per_post as {{ dbt.type_numeric() }}) as views_per_post,
        cast(reach_per_post as {{ dbt.type_numeric() }}) as reach_per_post,
        cast(previous_posts as integer) as previous_posts,
        cast(posts - previous_posts as integer) as posts_change,
        cast(previous_median_engagement_rate as {{ type_rate() }}) as previous_median_engagement_rate,
        cast(
            median_engagement_rate_by_followers - previous_median_engagement_rate as {{ type_rate() }}
        ) as median_engagement_rate_change,
        cast(
            {{ safe_divide('views_per_post', 'previous_views_per_post') }} - 1 as {{ type_rate() }}
        ) as views_per_post_change_rate

    from compared

)

select * from final
