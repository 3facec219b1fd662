"""What a source is: its streams, its real base URL, and how to read its responses."""

from __future__ import annotations

from dataclasses import dataclass, field

from socialkpi.http import ResponsePolicy, default_policy
from socialkpi.streams import Stream


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

    def stream(self, name: str) -> Stream:
        for stream in self.streams:
            if stream.name == name:
                return stream
        raise KeyError(f"{self.name} has no stream {name!r}")
