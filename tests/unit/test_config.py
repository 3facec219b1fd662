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
        (
            "sources:\n  tiktok:\n    accounts: [{id: a, connection_id: ' '}]\n",
            "`sources.tiktok.accounts[0].connection_id` must be a non-blank Airflow connection id",
        ),
        ("sources:\n  ga4:\n    accounts: [{id: 1, connection_id: 5}]\n", "leave it out to use `sources.ga4"),
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


# ---- a connection per account ----------------------------------------------------------------------
TIKTOK_CREATORS = "A1", "B2"


def tiktok(*connections: str | None) -> str:
    """A config of one TikTok account per entry, each with its own connection unless None."""
    accounts = "".join(
        f"      - {{id: {account_id}" + (f", connection_id: {connection}" if connection else "") + "}\n"
        for account_id, connection in zip(TIKTOK_CREATORS, connections, strict=False)
    )
    return f"sources:\n  tiktok:\n    accounts:\n{accounts}"


def test_an_account_may_name_its_own_connection(tmp_path):
    config = load_config(write(tmp_path, tiktok("socialkpi_tiktok_a1 ", None)))
    source = config.sources["tiktok"]
    first, second = source.accounts
    assert first.connection_id == "socialkpi_tiktok_a1" and second.connection_id is None
    assert source.connection_for(first) == "socialkpi_tiktok_a1"
    assert source.connection_for(second) == source.connection_for() == "socialkpi_tiktok"


@pytest.mark.parametrize(
    ("connections", "shared"),
    [
        ((None, None), "'socialkpi_tiktok'"),
        (("tt_one", "tt_one"), "'tt_one'"),
        ((None, "socialkpi_tiktok"), "'socialkpi_tiktok'"),  # the second names the source's
        (("tt_one", "TT_ONE"), "'TT_ONE'"),  # one AIRFLOW_CONN_TT_ONE variable for both
    ],
)
def test_two_tiktok_accounts_on_one_connection_are_refused(tmp_path, connections, shared):
    """A Display API token reads its own creator only: the second account would land the first's."""
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, tiktok(*connections)))
    message = str(error.value)
    assert f"`sources.tiktok.accounts[1]` shares the connection {shared} with accounts[0]" in message
    assert "give each tiktok account its own `connection_id`" in message
    assert "\n" not in message


def test_tiktok_accounts_with_their_own_connections_load(tmp_path):
    for connections in (("tt_one", "tt_two"), (None, "tt_two"), ("tt_one", None)):
        source = load_config(write(tmp_path, tiktok(*connections))).sources["tiktok"]
        assert len({source.connection_for(account) for account in source.accounts}) == 2


def test_accounts_of_other_sources_share_their_source_connection(tmp_path):
    """One Instagram token reaches every business account of its Pages."""
    text = "sources:\n  instagram:\n    accounts: [{id: 1}, {id: 2}, {id: 3}]\n"
    source = load_config(write(tmp_path, text)).sources["instagram"]
    assert {source.connection_for(account) for account in source.accounts} == {"socialkpi_instagram"}


def test_an_account_reads_with_its_own_connection(tmp_path, monkeypatch):
    """As Airflow finds them: `AIRFLOW_CONN_<ID>` variables."""
    import json

    from socialkpi.connections import resolve
    from socialkpi.errors import CredentialsError

    source = load_config(write(tmp_path, tiktok(None, "socialkpi_tiktok_b2"))).sources["tiktok"]
    first, second = source.accounts
    for variable, host, token in [
        ("AIRFLOW_CONN_SOCIALKPI_TIKTOK", "http://tiktok.test", "token-a1"),
        ("AIRFLOW_CONN_SOCIALKPI_TIKTOK_B2", "http://tiktok-b2.test", "token-b2"),
    ]:
        monkeypatch.setenv(variable, json.dumps({"conn_type": "http", "host": host, "password": token}))
    assert resolve(source, first).token == resolve(source).token == "token-a1"
    endpoint = resolve(source, second)
    assert (endpoint.base_url, endpoint.token) == ("http://tiktok-b2.test", "token-b2")
    monkeypatch.delenv("AIRFLOW_CONN_SOCIALKPI_TIKTOK_B2")
    with pytest.raises(CredentialsError) as error:
        resolve(source, second)
    assert "tiktok account B2: no Airflow connection 'socialkpi_tiktok_b2'" in str(error.value)
    assert "AIRFLOW_CONN_SOCIALKPI_TIKTOK_B2" in str(error.value)


def test_the_simulator_serves_each_account_connection_with_the_account_as_token(tmp_path, monkeypatch):
    """The simulated TikTok answers for the creator whose open_id is the bearer token."""
    import json

    from socialkpi.connections import simulator_connections

    monkeypatch.delenv("AIRFLOW_CONN_SOCIALKPI_INSTAGRAM", raising=False)
    text = (
        tiktok("tt_one", "tt_two") + "  instagram:\n    accounts: [{id: 1}, {id: 2, connection_id: ig_two}]\n"
    )
    sources = load_config(write(tmp_path, text)).sources
    values = {
        variable: json.loads(value)
        for variable, value in simulator_connections("http://127.0.0.1:9/", sources).items()
    }
    # Nobody reads socialkpi_tiktok: every TikTok account has its own connection.
    assert {v: (c["host"], c["password"]) for v, c in values.items()} == {
        "AIRFLOW_CONN_TT_ONE": ("http://127.0.0.1:9/tiktok", "A1"),
        "AIRFLOW_CONN_TT_TWO": ("http://127.0.0.1:9/tiktok", "B2"),
        "AIRFLOW_CONN_SOCIALKPI_INSTAGRAM": ("http://127.0.0.1:9/instagram/v25.0", "simulator-token"),
        "AIRFLOW_CONN_IG_TWO": ("http://127.0.0.1:9/instagram/v25.0", "2"),
    }
    # A connection already set is the user's: left alone.
    monkeypatch.setenv("AIRFLOW_CONN_TT_TWO", json.dumps({"conn_type": "http", "password": "real"}))
    assert "AIRFLOW_CONN_TT_TWO" not in simulator_connections("http://127.0.0.1:9", sources)
    # The one TikTok account on the source's connection is its token's user too.
    sources = load_config(write(tmp_path, tiktok("tt_one", None))).sources
    source_connection = simulator_connections("http://127.0.0.1:9", sources)["AIRFLOW_CONN_SOCIALKPI_TIKTOK"]
    assert json.loads(source_connection)["password"] == "B2"
