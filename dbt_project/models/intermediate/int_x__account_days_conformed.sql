{#- X conformed to the account-day contract of int_account_days_unioned. X reports no
    account-level daily interactions and no follows or unfollows, so:
    - the day's likes, comments (replies), shares (retweets + quotes), saves (bookmarks) and views
      (impressions) are the sums, over the account's posts observed that day, of the increase of
      their lifetime counters (int_post_metrics_daily_differenced, exactly as fct_post_metrics_daily);
    - a post's increase is unknown on its first observation unless that is its publish day (what
      happened before it was first read is unknown); a day with such a post has unknown (null)
      counters, and so does a day without any observation (e.g. a backfill, where every batch is
      read on the same day and all observations stand for that day's eve);
    - engagements = likes + retweets + quotes + replies + bookmarks;
    - has_account_metrics = a posts batch landed for the day, so the spine ends at the newest
      loaded day;
    - followers come from the user snapshot (public_metrics.followers_count) only (it stands for the end of its
      batch's interval_start): known on snapshot days, not reconstructed on others. -#}
{{ account_days_from_post_counters(
    'x',
    'stg_x__post_observations',
    'stg_x__user_snapshots',
    'int_x__posts_conformed'
) }}
