"""The default range of `socialkpi run`: days that are over in every account's timezone."""

from datetime import UTC, date, datetime
from pathlib import Path

from socialkpi.config import load_config
from socialkpi.pipeline import last_complete_days
from socialkpi.runner import share_out


def config_with(tmp_path: Path, *zones: str):
    accounts = "".join(f"      - {{id: '{n}', timezone: {zone}}}\n" for n, zone in enumerate(zones))
    path = tmp_path / "socialkpi.yml"
    path.write_text(f"sources:\n  instagram:\n    accounts:\n{accounts}")
    return load_config(path)


def test_the_range_ends_with_the_last_day_over_in_the_accounts_timezone(tmp_path):
    # 23:30 UTC on Nov 26 is already Nov 27 in Berlin: Nov 26 is over there.
    late_evening = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    assert last_complete_days(30, config_with(tmp_path, "Europe/Berlin"), late_evening) == (
        date(2026, 10, 28),
        date(2026, 11, 26),
    )


def test_with_several_timezones_the_range_ends_where_every_one_is_over(tmp_path):
    late_evening = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    config = config_with(tmp_path, "Europe/Berlin", "America/Los_Angeles")
    assert last_complete_days(1, config, late_evening) == (date(2026, 11, 25), date(2026, 11, 25))


def test_days_are_shared_out_in_contiguous_nearly_equal_runs():
    days = [date(2026, 11, d) for d in range(1, 8)]
    assert share_out(days, 2) == [days[:4], days[4:]]
    assert share_out(days[:1], 4) == [days[:1]]
    assert [day for share in share_out(days, 3) for day in share] == days
