"""The callables behind the DAGs' tasks, and which failures are worth a retry.

A retry helps with what passes (a network blip, a platform's bad minute). It does not help with a
bad config, a rejected token or a quarantined batch: those fail at once with their one-line
message (AirflowFailException), so nobody waits for a retry that cannot succeed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from socialkpi.errors import (
    ConfigError,
    CredentialsError,
    ForeignHost,
    QuotaExhausted,
    ValidationFailed,
    WarehouseError,
)

# Everything else (TransientSourceError: timeouts, resets, 5xx after the client's retries) fails
# the task the ordinary way, so the DAG's `retries` try it again.
FINAL = (ConfigError, CredentialsError, ForeignHost, QuotaExhausted, ValidationFailed, WarehouseError)


def fail_without_retry_on_final_errors(function: Callable) -> Callable:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from airflow.sdk.exceptions import AirflowFailException

        try:
            return function(*args, **kwargs)
        except FINAL as exc:
            raise AirflowFailException(str(exc)) from exc

    return wrapper


@fail_without_retry_on_final_errors
def configured_accounts(accounts_share: str | None = None) -> list[dict]:
    """Every configured (source, account), or this range run's share of them ('i/n')."""
    from socialkpi.ingest import share_of, targets

    return share_of(targets(), accounts_share)


@fail_without_retry_on_final_errors
def sync_account_list() -> int:
    from socialkpi.pipeline import sync_accounts

    return sync_accounts()


@fail_without_retry_on_final_errors
def run_days(params: dict, data_interval_start) -> tuple[date, date]:
    """The days a run of the ingest DAG covers: its params' range, or its data interval's day."""
    start, end = params.get("start"), params.get("end")
    if not start and not end:
        return data_interval_start.date(), data_interval_start.date()
    try:
        first_day, last_day = date.fromisoformat(start or end), date.fromisoformat(end or start)
    except (TypeError, ValueError):
        raise ConfigError(f"params start={start!r}, end={end!r}: give dates as YYYY-MM-DD") from None
    if first_day > last_day:
        raise ConfigError(f"params start {first_day} is after end {last_day}; swap them")
    return first_day, last_day


@fail_without_retry_on_final_errors
def ingest(
    target: dict, first_day: date, last_day: date, lookback_days: int | None, dag_run_id: str | None
) -> dict:
    """One account's days [first_day, last_day] (inclusive; a daily run has first_day == last_day)."""
    from socialkpi.ingest import ingest_account

    return ingest_account(
        source=target["source"],
        account_id=target["account_id"],
        first_day=first_day,
        last_day=last_day,
        lookback_days=lookback_days,
        dag_run_id=dag_run_id,
    )


@fail_without_retry_on_final_errors
def dbt_build() -> dict:
    from socialkpi.transform import dbt_build as build

    return build()


@fail_without_retry_on_final_errors
def validate_marts(dag_run_id: str | None) -> dict:
    from socialkpi.transform import validate_marts as validate

    return validate(dag_run_id=dag_run_id)


@fail_without_retry_on_final_errors
def publish_marts() -> dict:
    from socialkpi.transform import publish_marts as publish

    return publish()
