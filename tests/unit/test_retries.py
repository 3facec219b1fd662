"""Which failures Airflow retries: the passing kind (timeouts, resets, 5xx) yes, the rest no."""

from __future__ import annotations

import re

import pytest
from socialkpi.errors import (
    ConfigError,
    CredentialsError,
    ForeignHost,
    QuotaExhausted,
    TransientSourceError,
    ValidationFailed,
)
from socialkpi.tasks import fail_without_retry_on_final_errors


@pytest.fixture(autouse=True, scope="module")
def airflow_sdk():
    """Imported when these tests run, not when pytest collects them: collecting happens in every
    test process, and Airflow's import costs about 4 s of CPU in each."""
    return pytest.importorskip("airflow.sdk", reason="Airflow from requirements.lock is not installed")


def raising(error: Exception):
    @fail_without_retry_on_final_errors
    def task():
        raise error

    return task


@pytest.mark.parametrize(
    "error",
    [
        CredentialsError("instagram: the token was rejected"),
        QuotaExhausted("youtube: daily quota exhausted"),
        ConfigError("socialkpi.yml: bad"),
        ValidationFailed("ga4 account 1: 1 batch(es) not published: quarantined"),
        ForeignHost("facebook: refused to send the token to https://evil.example"),
    ],
)
def test_errors_a_retry_cannot_fix_fail_for_good(error):
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException, match=re.escape(str(error))):
        raising(error)()


def test_transient_failures_fail_the_task_so_airflow_retries_it():
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(TransientSourceError) as failure:
        raising(TransientSourceError("ga4: POST /report timed out"))()
    assert not isinstance(failure.value, AirflowFailException)
