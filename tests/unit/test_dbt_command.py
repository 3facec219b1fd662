"""How socialkpi calls dbt: one `--vars`, and a target folder (with its partial parse) per set of vars."""

from __future__ import annotations

import json

import pytest
from socialkpi import transform
from socialkpi.paths import DBT_PROJECT_DIR


def flag(command: list[str], name: str) -> str:
    assert command.count(name) == 1, f"{name} must be passed exactly once: {command}"
    return command[command.index(name) + 1]


def test_caller_variables_are_merged_with_the_marts_schema():
    command = transform.dbt_args("run", marts_schema="marts__next", dbt_vars={"kpi_alert_z_threshold": 1})
    assert command[0] == "run"
    assert json.loads(flag(command, "--vars")) == {"kpi_alert_z_threshold": 1, "marts_schema": "marts__next"}


def test_a_second_vars_flag_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="dbt_vars"):
        transform.dbt_command("run", "--vars", "{}")


def test_each_set_of_variables_keeps_its_own_target_folder(monkeypatch):
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    commands = [
        transform.dbt_args("build", marts_schema=transform.SHADOW_SCHEMA),
        transform.dbt_args("test"),
        transform.dbt_args("run", dbt_vars={"kpi_alert_z_threshold": 1}),
        transform.dbt_args("test"),
    ]
    production, live, thresholds, live_again = (flag(command, "--target-path") for command in commands)
    assert production == str(DBT_PROJECT_DIR / "target"), "the production build keeps dbt's own target/"
    assert len({production, live, thresholds}) == 3
    assert live_again == live


def test_a_target_path_of_the_caller_wins(tmp_path):
    command = transform.dbt_args("build", "--target-path", str(tmp_path))
    assert flag(command, "--target-path") == str(tmp_path)


def test_dbt_target_path_moves_every_target_folder(monkeypatch, tmp_path):
    """The suite's processes each set DBT_TARGET_PATH: dbt runs side by side share no artifact."""
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path))
    production = flag(transform.dbt_args("build", marts_schema=transform.SHADOW_SCHEMA), "--target-path")
    live = flag(transform.dbt_args("test"), "--target-path")
    assert production == str(tmp_path)
    assert live.startswith(str(tmp_path / "vars-"))
