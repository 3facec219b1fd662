"""Fault injection: what can go wrong with a source, and the per-source call counter.

Transport faults (throttling, 5xx, slowness, expired tokens, quota, malformed pages) are
decided here and rendered by each platform in its own error shape. Data faults (negative
counts, missing keys, ...) are applied by the platform renderers where they make sense, so
the load gate can be tested against the kinds of bad batches real APIs send.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Faults:
    """All faults are off by default. Counters are per source, starting at call 1."""

    rate_limit_every: int | None = None  # every Nth call is throttled
    server_error_every: int | None = None  # every Nth call answers 500/503
    slow_ms: int = 0  # delay before each response
    retired_metrics: list[str] = field(default_factory=list)
    expired_token: bool = False
    quota_exceeded: bool = False  # YouTube: every call answers 403 quotaExceeded
    malformed_page: int | None = None  # this page (1-based) of a paged list is invalid JSON
    empty_days: list[str] = field(default_factory=list)  # ISO dates without data
    negative_counts: bool = False
    missing_keys: bool = False
    wrong_account: bool = False
    dates_out_of_range: bool = False
    duplicate_ids_across_pages: bool = False
    follower_jump: bool = False
    # ISO dates with a comment storm: dozens of angry comments and mentions (English and Persian)
    # on the account's newest post and in its X mentions (simulator/competitors.py, #12).
    comment_storm_days: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Faults:
        defaults = cls()
        unknown = set(values) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}")
        for name, value in values.items():
            default = getattr(defaults, name)
            expected: tuple[type, ...] = (int,) if default is None else (type(default),)
            if value is not None and not isinstance(value, expected):
                raise ValueError(f"fault {name} must be {expected[0].__name__}, got {value!r}")
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def is_empty_day(self, day_iso: str) -> bool:
        # str() accepts datetime.date entries as well as ISO strings
        return day_iso in {str(day) for day in self.empty_days}


@dataclass(frozen=True)
class CallVerdict:
    """What the fault layer decided for one call, before the platform renders anything."""

    call_number: int
    faults: Faults
    throttled: bool
    server_error: bool


class FaultBoard:
    """Holds the faults and call counters of every source; safe to use from many threads."""

    def __init__(self, faults: dict[str, Faults] | None = None) -> None:
        self._faults: dict[str, Faults] = dict(faults or {})
        self._calls: dict[str, int] = {}
        # Requests served per source since start (or reset_served): unlike the fault counter
        # above, setting faults does not reset it; benchmarks read it.
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()

    def set(self, source: str, faults: Faults) -> None:
        with self._lock:
            self._faults[source] = faults
            self._calls[source] = 0

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._calls.clear()

    def snapshot(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {source: faults.to_dict() for source, faults in self._faults.items()}

    def served(self) -> dict[str, int]:
        with self._lock:
            return dict(self._served)

    def reset_served(self) -> None:
        with self._lock:
            self._served.clear()

    def register_call(self, source: str) -> CallVerdict:
        with self._lock:
            self._served[source] = self._served.get(source, 0) + 1
            number = self._calls.get(source, 0) + 1
            self._calls[source] = number
            faults = self._faults.get(source, Faults())
        throttled = bool(faults.rate_limit_every) and number % faults.rate_limit_every == 0
        server_error = (
            not throttled and bool(faults.server_error_every) and number % faults.server_error_every == 0
        )
        return CallVerdict(number, faults, throttled, server_error)


def foreign_id(object_id: str) -> str:
    """An id that belongs to some other account (what the wrong_account fault serves)."""
    if object_id.isdigit():
        return str(int(object_id) + 7_000_000)
    return object_id + "9"
