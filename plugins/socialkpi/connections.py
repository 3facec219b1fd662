"""Credentials and base URLs come from Airflow connections: one per source, or one per account.

An account reads with its own connection when it names one (`connection_id` on the account: a
TikTok token is one user's), else with its source's. The connection's host is the base URL (so a
test or a user can point any source at any server), its password is the token.
`AIRFLOW_CONN_<ID>` environment variables work as everywhere in Airflow. The extra may hold
`headers` (sent with every request, e.g. a newer `LinkedIn-Version`) and `base_urls` (the URL of
each further API of the source, e.g. `{"analytics": ...}` for YouTube).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from socialkpi.config import Account, SourceConfig
from socialkpi.errors import CredentialsError
from socialkpi.sources import SOURCES

SIMULATOR_TOKEN = "simulator-token"


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    token: str
    headers: dict[str, str]
    base_urls: dict[str, str] = field(default_factory=dict)


def env_var(connection_id: str) -> str:
    return f"AIRFLOW_CONN_{connection_id.upper()}"


def resolve(source: SourceConfig, account: Account | None = None) -> Endpoint:
    """The endpoint `account` reads with (its own connection, else the source's)."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    connection_id = source.connection_for(account)
    reader = f"{source.name} account {account.id}" if account and account.connection_id else source.name
    try:
        connection = Connection.get(connection_id)
    except AirflowNotFoundException:
        raise CredentialsError(
            f"{reader}: no Airflow connection {connection_id!r}; add it "
            f"(e.g. {env_var(connection_id)}) or run `socialkpi run` to use the simulator"
        ) from None
    base_url = connection.host or SOURCES[source.name].default_base_url
    if connection.schema and not base_url.startswith(("http://", "https://")):
        base_url = f"{connection.schema}://{base_url}"
    if not base_url.startswith(("http://", "https://")):
        base_url = f"https://{base_url}"
    token = connection.password or ""
    if not token:
        raise CredentialsError(
            f"{reader}: the Airflow connection {connection_id!r} has no token; "
            "put the access token in its password field"
        )
    extra = connection.extra_dejson if hasattr(connection, "extra_dejson") else {}
    headers = {str(k): str(v) for k, v in (extra.get("headers") or {}).items()}
    base_urls = {name: api.default_base_url for name, api in SOURCES[source.name].apis.items()}
    base_urls.update({str(k): str(v) for k, v in (extra.get("base_urls") or {}).items()})
    return Endpoint(base_url=base_url, token=token, headers=headers, base_urls=base_urls)


def simulator_connections(simulator_url: str, sources: dict[str, SourceConfig]) -> dict[str, str]:
    """`AIRFLOW_CONN_*` values pointing every connection an account reads with, and that is not
    set in the environment, at the simulator.

    That is the source's connection (when an account has none of its own) and each account's own.
    An account's own connection carries the account id as its token, as does the source's of a
    `token_per_account` source (which one account at most reads): the simulated TikTok answers for
    the user whose open_id is the token; the other simulated platforms ignore the token.
    """
    values = {}
    for name, source in sources.items():
        definition = SOURCES[name]
        for account in source.accounts:
            connection_id = source.connection_for(account)
            variable = env_var(connection_id)
            if variable in os.environ or variable in values:
                continue
            own_token = account.connection_id is not None or definition.token_per_account
            connection = {
                "conn_type": "http",
                "host": simulator_url.rstrip("/") + definition.simulator_path,
                "password": account.id if own_token else SIMULATOR_TOKEN,
                "description": "the local socialkpi simulator",
            }
            if definition.apis:
                connection["extra"] = {
                    "base_urls": {
                        api_name: simulator_url.rstrip("/") + api.simulator_path
                        for api_name, api in definition.apis.items()
                    }
                }
            values[variable] = json.dumps(connection)
    return values
