"""Mart suites: Great Expectations on the marts after every `dbt build`, before they go live.

dbt's own tests check model logic (keys, formulas, reconciliation with staging); these check the
boundary a BI tool sees: rates within their documented bounds, no missing days, marts as fresh as
the data loaded. The suite is versioned in expectations/suites/marts.json; its queries name the
schema they check as `{marts}` (the shadow schema the transform built, see transform.py).
All checks run as one checkpoint (one validation per mart query). The data docs are built once
after it: GX's UpdateDataDocsAction rebuilds the site once per validation (7 s of the transform
for 7 checks, issue #9).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg

from socialkpi.quality import context as shared
from socialkpi.quality.context import SITE_NAME, Outcome
from socialkpi.quality.suites import SUITES_DIR

MART_SUITES_FILE = SUITES_DIR / "marts.json"


@dataclass(frozen=True)
class MartCheck:
    """One query over the marts and the expectations its result must meet."""

    name: str
    query: str
    expectations: list[dict] = field(default_factory=list)


def load_mart_checks() -> list[MartCheck]:
    document = json.loads(MART_SUITES_FILE.read_text())
    return [MartCheck(**check) for check in document["checks"]]


def run_mart_checks(url: str, dag_run_id: str | None = None, schema: str = "marts") -> Outcome:
    import great_expectations as gx

    context, source = shared.context(url)
    definitions = {}  # suite name -> check name
    validations = []
    for check in load_mart_checks():
        name = f"marts__{check.name}"
        with contextlib.suppress(LookupError, ValueError):  # first run in this process: nothing to replace
            source.delete_asset(name)
        asset = source.add_query_asset(name=name, query=check.query.replace("{marts}", schema))
        batch_definition = asset.add_batch_definition_whole_table("all")
        suite = context.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=check.expectations))
        validations.append(
            context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
            )
        )
        definitions[name] = check.name
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name="marts",
            validation_definitions=validations,
            result_format={"result_format": "SUMMARY"},
        )
    )
    run = checkpoint.run(run_id=gx.RunIdentifier(run_name="marts", run_time=datetime.now(UTC)))
    context.build_data_docs(site_names=[SITE_NAME])
    failed: list[str] = []
    results = {}
    for result in run.run_results.values():
        check = definitions[result.suite_name]  # each check's suite is named like its definition
        results[check] = result.success
        failed.extend(f"{check}: {shared.describe(r)}" for r in result.results if not r.success)
    docs_url = shared.docs_url(run)
    outcome = Outcome(success=not failed, failed=failed, result=results, data_docs_url=docs_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "insert into audit.events (kind, detail) values ('mart_validation', %s)",
            (
                json.dumps(
                    {
                        "dag_run_id": dag_run_id,
                        "success": outcome.success,
                        "checks": results,
                        "failed": failed,
                        "data_docs_url": docs_url,
                    }
                ),
            ),
        )
    return outcome
