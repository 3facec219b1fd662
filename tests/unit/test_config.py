"""The configuration file: good files load; every mistake is one line naming the fix."""

from pathlib import Path

import pytest
from socialkpi.config import load_config
from socialkpi.errors import ConfigError

GOOD = """
sources:
  instagram:
    accounts:
      - id: "1784"
        name: Brand
        timezone: America/New_York
  ga4:
    connection_id: my_ga4
    accounts: [{id: 42}]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "socialkpi.yml"
    path.write_text(text)
    return path


def test_a_good_file_loads_with_defaults(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    instagram = config.sources["instagram"]
    assert instagram.connection_id == "socialkpi_instagram"
    assert instagram.accounts[0].timezone == "America/New_York"
    assert instagram.lookback_days == 2  # Instagram revises up to 48 hours back
    ga4 = config.sources["ga4"]
    assert ga4.connection_id == "my_ga4"
    assert ga4.accounts[0].id == "42"
    assert ga4.accounts[0].timezone == "UTC"
    assert config.warehouse_port == 54329


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("sources:\n  instagarm:\n    accounts: [{id: 1}]\n", "unknown source 'instagarm'"),
        ("sources: [\n", "not valid YAML at line"),
        ("sources:\n  instagram: {}\n", "must list at least one account"),
        ("sources:\n  instagram:\n    accounts: [{name: x}]\n", "needs an `id`"),
        ("sources:\n  instagram:\n    accounts: [{id: 1, timezone: Mars/Olympus}]\n", "not an IANA timezone"),
        ("sources:\n  instagram:\n    accounts: [{id: 1}, {id: 1}]\n", "repeats account id 1"),
        ("warehouse: {port: abc}\nsources:\n  ga4:\n    accounts: [{id: 1}]\n", "`warehouse.port` must be"),
        ("just text\n", "expected a mapping"),
        # A repeated key would silently keep only the last account list.
        (
            "sources:\n  ga4:\n    accounts: [{id: 1}]\n  ga4:\n    accounts: [{id: 2}]\n",
            "key 'ga4' appears twice at line 4",
        ),
        ("sources:\n  ga4:\n    accounts: [{id: 1, id: 2}]\n", "key 'id' appears twice"),
        ("sources:\n  ga4:\n    accounts: [{id: null}]\n", "`sources.ga4.accounts[0].id` must be"),
        ("sources:\n  ga4:\n    accounts: [{id: ''}]\n", "`sources.ga4.accounts[0].id` is blank"),
        ("sources:\n  ga4:\n    accounts: [{id: '  '}]\n", "is blank"),
        ("sources:\n  ga4:\n    accounts: [{id: [1, 2]}]\n", "quote it"),
        ("sources:\n  ga4:\n    accounts: [{id: 1, name: null}]\n", "`sources.ga4.accounts[0].name`"),
        ("sources:\n  ga4:\n    accounts: [{id: 1, timezone: 5}]\n", "must be an IANA timezone name"),
        ("sources:\n  ga4:\n    connection_id: ''\n    accounts: [{id: 1}]\n", "connection_id` must be"),
        ("warehouse: 5\nsources:\n  ga4:\n    accounts: [{id: 1}]\n", "`warehouse` must be a mapping, got 5"),
        ("simulator: [1]\nsources:\n  ga4:\n    accounts: [{id: 1}]\n", "`simulator` must be a mapping"),
        ("warehouse: {port: 70000}\nsources:\n  ga4:\n    accounts: [{id: 1}]\n", "70000 is not a TCP port"),
        ("warehouse: {port: 0}\nsources:\n  ga4:\n    accounts: [{id: 1}]\n", "0 is not a TCP port"),
        ("simulator: {port: -1}\nsources:\n  ga4:\n    accounts: [{id: 1}]\n", "must not be negative"),
        ("simulator: {port: true}\nsources:\n  ga4:\n    accounts: [{id: 1}]\n", "whole number, got True"),
        ("sources:\n  ga4:\n    lookback_days: 1.5\n    accounts: [{id: 1}]\n", "whole number, got 1.5"),
    ],
)
def test_bad_files_get_one_line_that_names_the_fix(tmp_path, text, fragment):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text))
    message = str(error.value)
    assert fragment in message
    assert "\n" not in message
    assert str(tmp_path) in message


def test_numeric_ids_and_ports_at_the_edges_load(tmp_path):
    config = load_config(
        write(tmp_path, "warehouse: {port: 65535}\nsimulator: {port: 1}\n" + GOOD.replace('"1784"', "1784"))
    )
    assert config.warehouse_port == 65535 and config.simulator_port == 1
    assert config.sources["instagram"].accounts[0].id == "1784"


def test_a_missing_file_says_how_to_create_it(tmp_path):
    with pytest.raises(ConfigError, match="SOCIALKPI_CONFIG"):
        load_config(tmp_path / "absent.yml")


def test_the_repository_config_is_valid():
    config = load_config(Path(__file__).resolve().parents[2] / "socialkpi.yml")
    assert set(config.sources) >= {"instagram", "ga4"}


def test_a_connection_names_the_base_url_of_each_further_api(monkeypatch):
    """YouTube reads two hosts with one token: the Analytics URL defaults to Google's, the
    connection's extra may move it (the simulator's connections do)."""
    import json

    from socialkpi.connections import resolve, simulator_connections

    config = load_config()
    youtube = config.sources["youtube"]
    for variable, value in simulator_connections("http://127.0.0.1:9", {"youtube": youtube}).items():
        monkeypatch.setenv(variable, value)
    endpoint = resolve(youtube)
    assert endpoint.base_url == "http://127.0.0.1:9/youtube"
    assert endpoint.base_urls == {"analytics": "http://127.0.0.1:9/youtube-analytics"}
    monkeypatch.setenv(
        "AIRFLOW_CONN_SOCIALKPI_YOUTUBE", json.dumps({"conn_type": "http", "password": "token"})
    )
    endpoint = resolve(youtube)
    assert endpoint.base_url == "https://www.googleapis.com"
    assert endpoint.base_urls == {"analytics": "https://youtubeanalytics.googleapis.com"}
