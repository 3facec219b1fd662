{#- Lifetime post counters per (platform, post_id, metric_date): the value at the end of
    `metric_date`. The one place where a post observation gets its day:
    - an observation extracted on local day s stands for the end of day s - 1 (the run reads just
      after midnight; a total read during local day s is the eve's total), in the account's
      timezone;
    - never for a day before the post was published (a post read on its publish day's eve stands
      for the publish day);
    - the latest extraction wins per (post, day). -#}
{%- set account_timezone = "coalesce(accounts.timezone, 'UTC')" -%}
with

post_observations as (

    select * from {{ ref('int_post_observations_unioned') }}

),

accounts as (

    select * from {{ ref('stg_socialkpi__accounts') }}

),

observations_dated as (

    select
        post_observations.*,
        {{ add_days(-1, to_local_date('post_observations.extracted_at', account_timezone)) }} as observed_date

    from post_observations
    left join accounts
        on
            post_observations.platform = accounts.source
            and post_observations.account_id = accounts.account_id

),

observations_clamped as (

    select
        *,
        case when observed_date < published_date then published_date else observed_date end as metric_date

    from observations_dated

),

observations_latest as (

    select
        *,
        row_number() over (
            partition by platform, post_id, metric_date
            order by extracted_at desc
        ) as row_rank

    from observations_clamped

),

final as (

    select
        platform,
        account_id,
        post_id,
        metric_date,
        published_date,
        lifetime_likes,
        lifetime_comments,
        lifetime_shares,
        lifetime_saves,
        lifetime_views

    from observations_latest
    where row_rank = 1

)

select * from final
