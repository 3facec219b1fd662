"""The `transform:` section of socialkpi.yml: the dbt project's settings a deployment may change.

    transform:
      vars:
        kpi_alert_z_threshold: 3.0
        crisis_extra_keywords: [recall, refund]

Each entry overrides one of the vars in `dbt_project/dbt_project.yml` (which documents them and
holds their defaults) in every dbt invocation of the pipeline, so a team tunes its alerts, posting
windows, crisis signals or campaign source without editing the dbt project. Only the vars in
TUNABLE_VARS may be set: the others state facts about the platforms and the warehouse (Meta's day
is US Pacific, the calendar's span, where marts are built) that no deployment may change. A value
must have its default's type; every problem is one `ConfigError` line naming the fix.
"""

from __future__ import annotations

from functools import cache

import yaml

from socialkpi.errors import ConfigError
from socialkpi.paths import DBT_PROJECT_DIR

TUNABLE_VARS = (
    "campaign_analytics_source",
    "content_calendar_on_time_tolerance_hours",
    "content_calendar_match_window_days",
    "kpi_alert_window_days",
    "kpi_alert_min_history_days",
    "kpi_alert_z_threshold",
    "posting_windows_weeks",
    "posting_windows_min_post_age_days",
    "posting_windows_min_posts",
    "crisis_window_days",
    "crisis_min_history_days",
    "crisis_volume_z_threshold",
    "crisis_negative_share_threshold",
    "crisis_min_negative_comments",
    "crisis_extra_keywords",
    "competitor_post_window_days",
)
# fct_campaign_performance reads the web metrics of one analytics source.
CHOICES = {"campaign_analytics_source": ("ga4", "plausible")}


@cache
def project_defaults() -> dict:
    """The vars of dbt_project.yml with their default values."""
    document = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    return dict(document.get("vars") or {})


def configured_vars(config=None) -> dict:
    """The dbt vars socialkpi.yml sets under `transform: vars:`, checked; {} when it sets none."""
    from socialkpi.config import load_config

    config = config or load_config()
    where = str(config.path)
    section = config.raw.get("transform")
    if section is None:
        return {}
    if not isinstance(section, dict) or set(section) - {"vars"}:
        raise ConfigError(f"{where}: `transform:` takes one key, `vars:` (dbt vars to override)")
    values = section.get("vars") or {}
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: `transform.vars` must map dbt var names to values")
    return {name: _checked(where, name, value) for name, value in values.items()}


def _checked(where: str, name: str, value):
    key = f"transform.vars.{name}"
    if name not in TUNABLE_VARS:
        fixed = " (a fact of the project, not a setting)" if name in project_defaults() else ""
        raise ConfigError(f"{where}: `{key}`{fixed} cannot be set here; settable: {', '.join(TUNABLE_VARS)}")
    default = project_defaults()[name]
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise ConfigError(f"{where}: `{key}` must be a list of words, e.g. [refund, recall]")
        return value
    if isinstance(default, str):
        choices = CHOICES.get(name)
        if not isinstance(value, str) or (choices and value not in choices):
            raise ConfigError(f"{where}: `{key}` must be one of: {', '.join(choices or ('a string',))}")
        return value
    whole = isinstance(default, int)
    number = isinstance(value, int) if whole else isinstance(value, int | float)
    if isinstance(value, bool) or not number or value < 0:
        kind = "a whole number >= 0" if whole else "a number >= 0"
        raise ConfigError(f"{where}: `{key}` must be {kind} (default {default}), got {value!r}")
    return value
