"""`transform: vars:` in socialkpi.yml: which dbt vars a deployment may set, and how they reach dbt."""

from __future__ import annotations

import json

import pytest
from socialkpi import transform
from socialkpi.config import load_config
from socialkpi.errors import ConfigError
from socialkpi.transform_settings import TUNABLE_VARS, configured_vars, project_defaults

BASE = "sources:\n  x:\n    accounts: [{id: '1', name: A}]\n"


def config_with(tmp_path, transform_section: str):
    path = tmp_path / "socialkpi.yml"
    path.write_text(BASE + transform_section)
    return load_config(path)


def test_without_a_transform_section_dbt_gets_only_its_defaults(tmp_path):
    assert configured_vars(config_with(tmp_path, "")) == {}


def test_every_settable_var_is_a_var_of_the_dbt_project():
    assert set(TUNABLE_VARS) <= set(project_defaults())


def test_settings_of_their_defaults_type_are_taken(tmp_path):
    config = config_with(
        tmp_path,
        "transform:\n  vars:\n    kpi_alert_z_threshold: 3\n    kpi_alert_min_history_days: 10\n"
        "    crisis_extra_keywords: [recall, cold coffee]\n    campaign_analytics_source: plausible\n",
    )
    assert configured_vars(config) == {
        "kpi_alert_z_threshold": 3,
        "kpi_alert_min_history_days": 10,
        "crisis_extra_keywords": ["recall", "cold coffee"],
        "campaign_analytics_source": "plausible",
    }


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("transform: 3\n", r"`transform:` takes one key, `vars:`"),
        ("transform:\n  models: {}\n", r"`transform:` takes one key, `vars:`"),
        ("transform:\n  vars: [a]\n", r"`transform\.vars` must map dbt var names"),
        (
            "transform:\n  vars: {kpi_alert_zthreshold: 3}\n",
            r"kpi_alert_zthreshold` cannot be set here; settable: ",
        ),
        ("transform:\n  vars: {meta_insights_timezone: UTC}\n", r"a fact of the project, not a setting"),
        ("transform:\n  vars: {marts_schema: marts}\n", r"marts_schema` cannot be set here"),
        (
            "transform:\n  vars: {kpi_alert_min_history_days: 2.5}\n",
            r"must be a whole number >= 0 \(default 7\)",
        ),
        ("transform:\n  vars: {kpi_alert_z_threshold: '3'}\n", r"must be a number >= 0 \(default 3\.5\)"),
        ("transform:\n  vars: {kpi_alert_z_threshold: -1}\n", r"must be a number >= 0"),
        ("transform:\n  vars: {posting_windows_weeks: true}\n", r"must be a whole number >= 0"),
        ("transform:\n  vars: {crisis_extra_keywords: recall}\n", r"must be a list of words"),
        ("transform:\n  vars: {campaign_analytics_source: matomo}\n", r"must be one of: ga4, plausible"),
    ],
)
def test_a_bad_setting_stops_loading_the_configuration_in_one_line_naming_the_fix(tmp_path, section, message):
    # load_config checks the section: a misspelt var stops `socialkpi run` at its start.
    with pytest.raises(ConfigError, match=message) as error:
        config_with(tmp_path, section)
    assert "\n" not in str(error.value) and str(tmp_path) in str(error.value)


def test_every_dbt_command_passes_the_configured_vars_and_the_build_keeps_its_target(tmp_path, monkeypatch):
    path = tmp_path / "socialkpi.yml"
    path.write_text(BASE + "transform:\n  vars: {kpi_alert_z_threshold: 2.5}\n")
    monkeypatch.setenv("SOCIALKPI_CONFIG", str(path))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    build = transform.dbt_args("build", marts_schema=transform.SHADOW_SCHEMA)
    caller = transform.dbt_args("run", dbt_vars={"kpi_alert_z_threshold": 9})
    assert json.loads(build[build.index("--vars") + 1]) == {
        "kpi_alert_z_threshold": 2.5,
        "marts_schema": transform.SHADOW_SCHEMA,
    }
    assert build[build.index("--target-path") + 1] == str(tmp_path / "target"), "the production build's parse"
    assert json.loads(caller[caller.index("--vars") + 1])["kpi_alert_z_threshold"] == 9, "the caller's win"
