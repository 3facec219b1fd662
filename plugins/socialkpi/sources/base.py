"""What a source is: its streams, its real base URL, and how to read its responses."""

from __future__ import annotations

from dataclasses import dataclass, field

from socialkpi.http import ResponsePolicy, default_policy
from socialkpi.streams import Stream


@dataclass(frozen=True)
class Api:
    """A further host a source reads with the same token (YouTube Analytics next to the Data API).

    Streams name it with `Stream.api`; the Airflow connection may override its URL in its extra
    (`{"base_urls": {"<name>": "https://..."}}`), the simulator serves it at `simulator_path`.
    """

    default_base_url: str
    simulator_path: str


@dataclass(frozen=True)
class Source:
    name: str
    platform: str  # the `platform` value in the marts (ga4/plausible: "web")
    default_base_url: str
    # Path prefix of this source on the local simulator (`socialkpi simulate`).
    simulator_path: str
    streams: tuple[Stream, ...]  # parents before their children
    policy: ResponsePolicy = default_policy
    headers: dict[str, str] = field(default_factory=dict)
    default_lookback_days: int = 0
    # Days a platform needs before a day's numbers settle (LinkedIn: 2): no run asks for a day
    # before then, and a run's window starts lag_days before its first day (ingest._Run.window).
    lag_days: int = 0
    apis: dict[str, Api] = field(default_factory=dict)
    # True when a token answers for one account only (whose, the token decides): every account then
    # needs its own Airflow connection, and the configuration refuses two accounts sharing one.
    token_per_account: bool = False

    def stream(self, name: str) -> Stream:
        for stream in self.streams:
            if stream.name == name:
                return stream
        raise KeyError(f"{self.name} has no stream {name!r}")
