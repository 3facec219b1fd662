"""The Great Expectations pieces the raw gate and the mart checks share: one ephemeral context per
process with the warehouse as a PostgreSQL data source and the data docs site, the outcome of a
validation, and how a failed expectation and the data docs are named for a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from socialkpi.paths import STATE_DIR

DATA_DOCS_DIR = STATE_DIR / "gx" / "data_docs"
SITE_NAME = "socialkpi"


@dataclass
class Outcome:
    success: bool
    failed: list[str] = field(default_factory=list)
    result: dict | None = None
    data_docs_url: str | None = None

    def summary(self) -> str:
        return "passed" if self.success else "failed: " + "; ".join(self.failed)


@cache
def context(url: str):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    DATA_DOCS_DIR.mkdir(parents=True, exist_ok=True)
    context.add_data_docs_site(
        site_name=SITE_NAME,
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(DATA_DOCS_DIR),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    source = context.data_sources.add_postgres(
        name="warehouse", connection_string=url.replace("postgresql://", "postgresql+psycopg2://", 1)
    )
    return context, source


def describe(result) -> str:
    config = result.expectation_config
    column = config.kwargs.get("column")
    detail = result.result or {}
    unexpected = detail.get("partial_unexpected_list") or detail.get("observed_value")
    where = f"({column})" if column else ""
    return (
        f"{config.type}{where}: {str(unexpected)[:120]}"
        if unexpected is not None
        else f"{config.type}{where}"
    )


def docs_url(run) -> str | None:
    for validation_result in run.run_results.values():
        actions = validation_result.get("actions_results", {}) if isinstance(validation_result, dict) else {}
        for site in (actions.get("data_docs") or {}).values():
            if isinstance(site, str):
                return site
    index = DATA_DOCS_DIR / "index.html"
    return index.as_uri() if index.exists() else None
