"""The versioned GX suites under expectations/ match the stream declarations they come from."""

import json
import re

import pytest
from socialkpi.quality.suites import batch_query, quick_suite, suite_for, suite_path
from socialkpi.sources import SOURCES

STREAMS = [stream for source in SOURCES.values() for stream in source.streams]


@pytest.mark.parametrize("stream", STREAMS, ids=lambda s: s.table)
def test_committed_suite_matches_the_stream_declaration(stream):
    path = suite_path(stream)
    assert path.exists(), f"{path} missing: run `socialkpi quality write-suites` and commit it"
    assert json.loads(path.read_text()) == suite_for(stream), (
        "stale suite: run `socialkpi quality write-suites`"
    )


@pytest.mark.parametrize("stream", STREAMS, ids=lambda s: s.table)
def test_every_suite_checks_keys_row_counts_and_declared_fields(stream):
    suite = suite_for(stream)
    kinds = [e["type"] for e in suite["expectations"]]
    assert "expect_table_row_count_to_be_between" in kinds
    assert {
        "type": "expect_column_values_to_be_unique",
        "kwargs": {"column": "_primary_key"},
        "meta": {},
    } in suite["expectations"]
    query = batch_query(stream, "landing", "00000000-0000-0000-0000-000000000000")
    for expectation in suite["expectations"]:
        column = expectation["kwargs"].get("column")
        if column:
            assert f'"{column}"' in query or f" {column}" in query, (
                f"{column} is not produced by the batch query"
            )


@pytest.mark.parametrize("stream", STREAMS, ids=lambda s: s.table)
def test_the_quick_pass_drops_only_not_null_checks_that_a_regex_makes_redundant(stream):
    """The gate's first pass (`quick_suite`) reads a missing value as '', which each such
    column's regex refuses: the same verdict as the not-null check it replaces."""
    full = suite_for(stream)
    quick, nulls_as_empty = quick_suite(full)
    dropped = [e for e in full["expectations"] if e not in quick["expectations"]]
    assert [e for e in quick["expectations"] if e not in full["expectations"]] == []
    assert {e["type"] for e in dropped} <= {"expect_column_values_to_not_be_null"}
    assert {e["kwargs"]["column"] for e in dropped} == nulls_as_empty
    query = batch_query(stream, "landing", "00000000-0000-0000-0000-000000000000", nulls_as_empty)
    for column in nulls_as_empty:
        regexes = [
            e["kwargs"]["regex"]
            for e in quick["expectations"]
            if e["type"] == "expect_column_values_to_match_regex" and e["kwargs"]["column"] == column
        ]
        assert regexes and all(re.search(regex, "") is None for regex in regexes), column
        assert re.search(rf"coalesce\([^)]*, ''\) as \"?{column}\"?", query), column


def test_the_quick_pass_reads_a_missing_count_as_empty():
    stream = SOURCES["instagram"].stream("account")
    quick, nulls_as_empty = quick_suite(suite_for(stream))
    assert "followers_count" in nulls_as_empty
    assert not any(
        e["type"] == "expect_column_values_to_not_be_null" and e["kwargs"]["column"] == "followers_count"
        for e in quick["expectations"]
    )
    # The full suite's query (the second pass, and data docs) shows a missing value as missing.
    full_query = batch_query(stream, "landing", "00000000-0000-0000-0000-000000000000")
    assert "coalesce(\"record\" #>> '{followers_count}'" not in full_query


def test_counts_must_be_non_negative_integers():
    suite = suite_for(SOURCES["instagram"].stream("media"))
    assert {
        "type": "expect_column_values_to_match_regex",
        "kwargs": {"column": "like_count", "regex": "^[0-9]+$"},
        "meta": {},
    } in suite["expectations"]


def _checks(stream, column):
    return {
        (e["type"], json.dumps(e["kwargs"], sort_keys=True))
        for e in suite_for(stream)["expectations"]
        if e["kwargs"].get("column") == column
    }


def test_each_field_kind_has_its_check():
    linkedin = SOURCES["linkedin"]
    gains = _checks(linkedin.stream("follower_statistics"), "followergains__organicfollowergain")
    assert (
        "expect_column_values_to_match_regex",
        '{"column": "followergains__organicfollowergain", "regex": "^-?[0-9]+$"}',
    ) in gains
    bucket = _checks(linkedin.stream("follower_statistics"), "timerange__start")
    assert (
        "expect_column_values_to_be_in_set",
        '{"column": "timerange__start", "value_set": {"$PARAMETER": "utc_day_ms"}}',
    ) in bucket
    published = _checks(linkedin.stream("posts"), "publishedat__epoch")
    assert {kind for kind, _ in published} == {"expect_column_values_to_be_between"}
    day = _checks(SOURCES["youtube"].stream("channel_daily"), "day")
    assert (
        "expect_column_values_to_be_in_set",
        '{"column": "day", "value_set": {"$PARAMETER": "day_iso"}}',
    ) in day
    created = _checks(SOURCES["tiktok"].stream("videos"), "create_time__epoch")
    assert created, "epoch seconds are checked against the window"


def test_epoch_fields_become_seconds_in_the_batch_query():
    query = batch_query(
        SOURCES["linkedin"].stream("posts"), "landing", "00000000-0000-0000-0000-000000000000"
    )
    assert '::numeric / 1000 end as "publishedat__epoch"' in query
    query = batch_query(SOURCES["tiktok"].stream("videos"), "landing", "00000000-0000-0000-0000-000000000000")
    assert '::numeric / 1 end as "create_time__epoch"' in query


def test_an_unknown_field_kind_is_refused():
    from socialkpi.streams import Field, Stream

    with pytest.raises(ValueError, match="unknown kind 'counts'"):
        suite_for(Stream("s", "t", "/", fields=(Field("likes", "counts"),)))


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        ("90362860", True),
        ("urn:li:organization:90362860", True),
        ("90362860/insights/page_follows/day", True),
        ("90362860_18027801053018802", True),
        ("urn:li:organization:903628601", False),
        ("190362860", False),
        ("90362861_1", False),
    ],
)
def test_the_account_check_accepts_the_id_a_urn_of_it_and_composite_ids(value, matches):
    import re
    from datetime import date

    from socialkpi.quality.gate import suite_parameters
    from socialkpi.streams import Window

    stream = SOURCES["linkedin"].stream("share_statistics")  # no jump field: no warehouse needed
    parameters = suite_parameters(None, stream, Window("90362860", date(2026, 11, 1)), "landing", None)
    assert bool(re.search(parameters["account_regex"], value)) is matches
