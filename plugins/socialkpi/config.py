"""The project configuration: which accounts to collect, from which sources.

Read from `socialkpi.yml` at the project root, or from the file named by `SOCIALKPI_CONFIG`.
Every problem is reported as one `ConfigError` line that names the file and the fix.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from socialkpi.errors import ConfigError
from socialkpi.paths import PROJECT_ROOT

DEFAULT_CONFIG = PROJECT_ROOT / "socialkpi.yml"
DEFAULT_WAREHOUSE_PORT = 54329
DEFAULT_SIMULATOR_PORT = 8765


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key, mark):
        super().__init__(f"duplicate key {key!r}")
        self.key = key
        self.problem_mark = mark


class _StrictLoader(yaml.SafeLoader):
    """YAML's last-one-wins on a repeated key silently drops the first account list; refuse it."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise DuplicateKey(key, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    timezone: str
    # The Airflow connection of this account's token, when it is not the source's (TikTok: one per user).
    connection_id: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class SourceConfig:
    name: str
    connection_id: str
    accounts: tuple[Account, ...]
    # Days before the interval that every run extracts again, because platforms revise them.
    lookback_days: int = 0

    def connection_for(self, account: Account | None = None) -> str:
        """The Airflow connection an account reads with: its own, else the source's."""
        return (account.connection_id if account else None) or self.connection_id


@dataclass(frozen=True)
class Competitor:
    """A public account of another brand, read with the token of the platform's first configured account."""

    handle: str  # Instagram / X username, YouTube channel id
    name: str


# The platforms whose APIs show other accounts' public numbers, and what a handle looks like there.
COMPETITOR_HANDLES = {
    "instagram": (re.compile(r"^[A-Za-z0-9._]{1,30}$"), "an Instagram username such as bluebottle"),
    "youtube": (re.compile(r"^UC[A-Za-z0-9_-]{22}$"), "a YouTube channel id: UC followed by 22 characters"),
    "x": (re.compile(r"^[A-Za-z0-9_]{1,15}$"), "an X username without @ (up to 15 letters, digits, _)"),
}


@dataclass(frozen=True)
class Config:
    path: Path
    sources: dict[str, SourceConfig]
    # Public competitor accounts per platform (`competitors:` in socialkpi.yml).
    competitors: dict[str, tuple[Competitor, ...]] = field(default_factory=dict)
    warehouse_port: int = DEFAULT_WAREHOUSE_PORT
    simulator_port: int = DEFAULT_SIMULATOR_PORT
    simulator_seed: int = 42
    raw: dict = field(default_factory=dict, repr=False)

    def source(self, name: str) -> SourceConfig:
        return self.sources[name]


def config_path() -> Path:
    return Path(os.environ.get("SOCIALKPI_CONFIG", DEFAULT_CONFIG)).expanduser().resolve()


def load_config(path: Path | None = None) -> Config:
    from socialkpi.sources import SOURCES  # the registry imports the stream modules

    path = path or config_path()
    where = str(path)
    if not path.exists():
        raise ConfigError(
            f"{where}: no such file; create it (see socialkpi.yml in the repo) or set SOCIALKPI_CONFIG"
        )
    try:
        document = yaml.load(path.read_text(), Loader=_StrictLoader) or {}  # a SafeLoader
    except DuplicateKey as exc:
        raise ConfigError(
            f"{where}: key {exc.key!r} appears twice at line {exc.problem_mark.line + 1}; "
            "keep one and merge what the two say"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{where}: not valid YAML{line}; fix the syntax there") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{where}: expected a mapping with a `sources:` key at the top level")

    sources_doc = document.get("sources")
    if not isinstance(sources_doc, dict) or not sources_doc:
        raise ConfigError(f"{where}: `sources:` must map source names to their accounts, e.g. `instagram:`")

    sources: dict[str, SourceConfig] = {}
    for name, body in sources_doc.items():
        if name not in SOURCES:
            known = ", ".join(sorted(SOURCES))
            raise ConfigError(f"{where}: unknown source {name!r} under `sources:`; use one of: {known}")
        sources[name] = _source(where, name, body or {}, SOURCES[name].default_lookback_days)
        if SOURCES[name].token_per_account:
            _one_account_per_connection(where, sources[name])

    warehouse = _section(where, document, "warehouse", "warehouse: {port: 54329}")
    simulator = _section(where, document, "simulator", "simulator: {port: 8765}")
    config = Config(
        path=path,
        sources=sources,
        competitors=_competitors(where, document.get("competitors"), sources),
        warehouse_port=_port(where, "warehouse.port", warehouse.get("port", DEFAULT_WAREHOUSE_PORT)),
        simulator_port=_port(where, "simulator.port", simulator.get("port", DEFAULT_SIMULATOR_PORT)),
        simulator_seed=_int(where, "simulator.seed", simulator.get("seed", 42)),
        raw=document,
    )
    # `transform: vars:` is socialkpi.transform_settings' to read; checked here too, so that a
    # misspelt dbt var stops a command at its start rather than the dbt build at the run's end.
    from socialkpi.transform_settings import configured_vars

    configured_vars(config)
    return config


def _section(where: str, document: dict, key: str, example: str) -> dict:
    value = document.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: `{key}` must be a mapping, got {value!r}; write e.g. `{example}`")
    return value


def _source(where: str, name: str, body: dict, default_lookback: int) -> SourceConfig:
    if not isinstance(body, dict):
        raise ConfigError(f"{where}: `sources.{name}` must be a mapping with `accounts:`")
    accounts_doc = body.get("accounts")
    if not isinstance(accounts_doc, list) or not accounts_doc:
        raise ConfigError(
            f"{where}: `sources.{name}.accounts` must list at least one account (id, name, timezone)"
        )
    accounts = []
    seen = set()
    for index, item in enumerate(accounts_doc):
        label = f"sources.{name}.accounts[{index}]"
        if not isinstance(item, dict) or "id" not in item:
            raise ConfigError(f"{where}: `{label}` needs an `id`")
        account_id = _account_id(where, label, item["id"])
        if account_id in seen:
            raise ConfigError(f"{where}: `{label}` repeats account id {account_id}; list each account once")
        seen.add(account_id)
        timezone = item.get("timezone", "UTC")
        if not isinstance(timezone, str):
            raise ConfigError(
                f"{where}: `{label}.timezone` must be an IANA timezone name, got {timezone!r}; "
                "use e.g. Europe/Berlin"
            )
        name_value = item.get("name", account_id)
        if name_value is None or isinstance(name_value, (dict, list)) or not str(name_value).strip():
            raise ConfigError(
                f"{where}: `{label}.name` must be a non-blank text; name the account or leave it out"
            )
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"{where}: `{label}.timezone` {timezone!r} is not an IANA timezone; use e.g. Europe/Berlin"
            ) from None
        accounts.append(
            Account(
                id=account_id,
                name=str(name_value),
                timezone=timezone,
                connection_id=_account_connection(where, label, item, name),
            )
        )
    connection_id = body.get("connection_id", f"socialkpi_{name}")
    if not isinstance(connection_id, str) or not connection_id.strip():
        raise ConfigError(
            f"{where}: `sources.{name}.connection_id` must be a non-blank Airflow connection id, "
            f"got {connection_id!r}; leave it out for socialkpi_{name}"
        )
    return SourceConfig(
        name=name,
        connection_id=connection_id.strip(),
        accounts=tuple(accounts),
        lookback_days=_int(
            where, f"sources.{name}.lookback_days", body.get("lookback_days", default_lookback)
        ),
    )


def _account_connection(where: str, label: str, item: dict, source: str) -> str | None:
    if "connection_id" not in item:
        return None
    value = item["connection_id"]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            f"{where}: `{label}.connection_id` must be a non-blank Airflow connection id, got {value!r}; "
            f"name the connection holding this account's token, or leave it out to use "
            f"`sources.{source}.connection_id`"
        )
    return value.strip()


def _one_account_per_connection(where: str, source: SourceConfig) -> None:
    """A source whose token answers for one account only (`Source.token_per_account`) would read
    the first account's data for every other account on the same connection."""
    first_reader: dict[str, int] = {}  # by upper case: AIRFLOW_CONN_<ID> names ignore the case
    for index, account in enumerate(source.accounts):
        connection_id = source.connection_for(account)
        if connection_id.upper() in first_reader:
            name = source.name
            raise ConfigError(
                f"{where}: `sources.{name}.accounts[{index}]` shares the connection {connection_id!r} "
                f"with accounts[{first_reader[connection_id.upper()]}]: a {name} token reads only the account "
                f"it belongs to; give each {name} account its own `connection_id` "
                "(an Airflow connection holding that account's token)"
            )
        first_reader[connection_id.upper()] = index


def _account_id(where: str, label: str, value) -> str:
    """An id is what the API path carries: a number or a text, never null, blank or a structure."""
    if value is None or isinstance(value, (bool, dict, list, float)):
        raise ConfigError(
            f"{where}: `{label}.id` must be the account's id as text or a whole number, got {value!r}; "
            'quote it, e.g. id: "17841400000000001"'
        )
    account_id = str(value).strip()
    if not account_id:
        raise ConfigError(f"{where}: `{label}.id` is blank; write the account's id from the platform")
    return account_id


def _competitors(where: str, body, sources: dict[str, SourceConfig]) -> dict[str, tuple[Competitor, ...]]:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ConfigError(
            f"{where}: `competitors:` must map a platform to a list of handles, e.g. `instagram:`"
        )
    competitors = {}
    for platform, items in body.items():
        if platform not in COMPETITOR_HANDLES:
            known = ", ".join(COMPETITOR_HANDLES)
            raise ConfigError(f"{where}: `competitors.{platform}`: competitors can be read on {known} only")
        if platform not in sources:
            raise ConfigError(
                f"{where}: `competitors.{platform}` needs `sources.{platform}` configured (its token reads them)"
            )
        if not isinstance(items, list):
            raise ConfigError(
                f"{where}: `competitors.{platform}` must be a list of `{{handle, name}}` entries"
            )
        pattern, example = COMPETITOR_HANDLES[platform]
        seen, entries = set(), []
        for index, item in enumerate(items):
            label = f"competitors.{platform}[{index}]"
            handle = (
                str(item.get("handle", "")).lstrip("@") if isinstance(item, dict) else str(item).lstrip("@")
            )
            if not pattern.match(handle):
                raise ConfigError(f"{where}: `{label}` handle {handle!r} is not {example}")
            if handle.lower() in seen:
                raise ConfigError(f"{where}: `{label}` repeats {handle}; list each competitor once")
            seen.add(handle.lower())
            name = str(item.get("name", handle)) if isinstance(item, dict) else handle
            entries.append(Competitor(handle=handle, name=name))
        competitors[platform] = tuple(entries)
    return competitors


def _int(where: str, key: str, value) -> int:
    # YAML reads `yes`/`true` as booleans, which int() would quietly take as 1.
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ConfigError(f"{where}: `{key}` must be a whole number, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: `{key}` must be a whole number, got {value!r}") from None
    if number < 0:
        raise ConfigError(f"{where}: `{key}` must not be negative, got {number}")
    return number


def _port(where: str, key: str, value) -> int:
    number = _int(where, key, value)
    if not 1 <= number <= 65535:
        raise ConfigError(f"{where}: `{key}` {number} is not a TCP port; use one between 1024 and 65535")
    return number
