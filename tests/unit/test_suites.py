"""The versioned GX suites under expectations/ match the stream declarations they come from."""

import json

import pytest
from socialkpi.quality.suites import batch_query, suite_for, suite_path
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


def test_counts_must_be_non_negative_integers():
    suite = suite_for(SOURCES["instagram"].stream("media"))
    assert {
        "type": "expect_column_values_to_match_regex",
        "kwargs": {"column": "like_count", "regex": "^[0-9]+$"},
        "meta": {},
    } in suite["expectations"]
