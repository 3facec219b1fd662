"""The range of `socialkpi run`: days every platform has complete, shared out to range runs."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from socialkpi.config import load_config
from socialkpi.errors import ConfigError
from socialkpi.ingest import share_of
from socialkpi.pipeline import RangeRun, last_complete_days, plan_range_runs, share_out
from socialkpi.tasks import run_days

# 23:30 UTC on Nov 26: already Nov 27 in Berlin, still 15:30 on Nov 26 in Los Angeles.
LATE_EVENING = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)


def config_with(tmp_path: Path, source: str, *zones: str):
    accounts = "".join(f"      - {{id: '{n}', timezone: {zone}}}\n" for n, zone in enumerate(zones))
    path = tmp_path / "socialkpi.yml"
    path.write_text(f"sources:\n  {source}:\n    accounts:\n{accounts}")
    return load_config(path)


def test_the_range_ends_with_the_last_day_over_in_the_accounts_timezone(tmp_path):
    # GA4 counts the property's own days: Nov 26 is over in Berlin.
    assert last_complete_days(30, config_with(tmp_path, "ga4", "Europe/Berlin"), LATE_EVENING) == (
        date(2026, 10, 28),
        date(2026, 11, 26),
    )


def test_with_several_timezones_the_range_ends_where_every_one_is_over(tmp_path):
    config = config_with(tmp_path, "ga4", "Europe/Berlin", "America/Los_Angeles")
    assert last_complete_days(1, config, LATE_EVENING) == (date(2026, 11, 25), date(2026, 11, 25))


def test_meta_insights_wait_for_the_pacific_day_to_end(tmp_path):
    # A Berlin Instagram account: its insights days end at Pacific midnight (contract 2).
    config = config_with(tmp_path, "instagram", "Europe/Berlin")
    assert last_complete_days(1, config, LATE_EVENING)[1] == date(2026, 11, 25)


def test_linkedin_statistics_end_two_days_before_the_utc_day(tmp_path):
    config = config_with(tmp_path, "linkedin", "Asia/Tokyo")
    assert last_complete_days(1, config, LATE_EVENING)[1] == date(2026, 11, 23)


def test_days_are_shared_out_in_contiguous_nearly_equal_runs():
    days = [date(2026, 11, d) for d in range(1, 8)]
    assert share_out(days, 2) == [days[:4], days[4:]]
    assert share_out(days[:1], 4) == [days[:1]]
    assert [day for share in share_out(days, 3) for day in share] == days


def test_a_manual_run_covers_its_params_range_and_a_scheduled_run_its_interval_day():
    interval_start = datetime(2026, 11, 20, tzinfo=UTC)
    assert run_days({"start": "2026-11-01", "end": "2026-11-05"}, interval_start) == (
        date(2026, 11, 1),
        date(2026, 11, 5),
    )
    assert run_days({"start": None, "end": None}, interval_start) == (date(2026, 11, 20), date(2026, 11, 20))
    assert run_days({"start": "2026-11-03", "end": None}, interval_start) == (
        date(2026, 11, 3),
        date(2026, 11, 3),
    )


@pytest.mark.parametrize(("start", "end"), [("2026-11-05", "2026-11-01"), ("yesterday", "2026-11-01")])
def test_a_bad_range_fails_the_run_with_one_line(start, end):
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException, match="params start") as raised:
        run_days({"start": start, "end": end}, datetime(2026, 11, 20, tzinfo=UTC))
    assert isinstance(raised.value.__cause__, ConfigError)
    assert "\n" not in str(raised.value)


def test_range_runs_share_out_the_accounts_by_default():
    start, end = date(2026, 11, 1), date(2026, 11, 30)
    runs = plan_range_runs(start, end, workers=2, split="accounts", accounts=9)
    assert [(run.start, run.end, run.accounts_share) for run in runs] == [
        (start, end, "1/2"),
        (start, end, "2/2"),
    ]
    assert runs[1].worker_args() == [
        "--start",
        "2026-11-01",
        "--end",
        "2026-11-30",
        "--accounts-share",
        "2/2",
    ]
    # one account, or one worker: one run of everything
    assert plan_range_runs(start, end, workers=4, split="accounts", accounts=1) == [RangeRun(start, end)]
    assert plan_range_runs(start, end, workers=1, split="accounts", accounts=9) == [RangeRun(start, end)]


def test_runs_split_by_days_are_daily_runs_covering_every_day_once():
    start, end = date(2026, 11, 1), date(2026, 11, 5)
    runs = plan_range_runs(start, end, workers=2, split="days", accounts=9)
    assert [(run.start, run.end, run.accounts_share, run.daily) for run in runs] == [
        (date(2026, 11, 1), date(2026, 11, 3), None, True),
        (date(2026, 11, 4), date(2026, 11, 5), None, True),
    ]
    assert runs[1].worker_args() == ["--start", "2026-11-04", "--end", "2026-11-05", "--daily"]
    # one worker: every day's run, one after the other
    assert plan_range_runs(start, end, workers=1, split="days", accounts=9) == [
        RangeRun(start, end, daily=True)
    ]


def test_the_shares_of_accounts_cover_every_account_once_and_spread_each_source():
    targets = [{"source": s, "account_id": str(n)} for s in ("instagram", "tiktok") for n in range(3)]
    shares = [share_of(targets, f"{i}/2") for i in (1, 2)]
    assert sorted(map(str, shares[0] + shares[1])) == sorted(map(str, targets))
    assert {t["source"] for t in shares[0]} == {t["source"] for t in shares[1]} == {"instagram", "tiktok"}
    assert share_of(targets, None) == targets


@pytest.mark.parametrize("share", ["0/2", "3/2", "half", "1/0"])
def test_a_bad_accounts_share_names_the_fix(share):
    with pytest.raises(ConfigError, match="accounts_share") as error:
        share_of([{"source": "x", "account_id": "1"}], share)
    assert "\n" not in str(error.value)
