"""The Great Expectations context every validation in socialkpi shares, and how its results read.

One ephemeral GX context per process (and warehouse URL) holds a PostgreSQL data source and the
data docs site under `.socialkpi/gx/data_docs/` (build output, git-ignored). The raw gate
(`gate.py`) and the mart checks (`marts.py`) both validate through it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache

from socialkpi.paths import STATE_DIR

DATA_DOCS_DIR = STATE_DIR / "gx" / "data_docs"
SITE_NAME = "socialkpi"
VIEWS = "socialkpi.quality.docs_views"


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
    """(GX context, its `warehouse` PostgreSQL data source), built once per process."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    gx_context = gx.get_context(mode="ephemeral")
    gx_context.variables.progress_bars = ProgressBarsConfig(globally=False)
    DATA_DOCS_DIR.mkdir(parents=True, exist_ok=True)
    restrict_data_docs()
    gx_context.add_data_docs_site(
        site_name=SITE_NAME,
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(DATA_DOCS_DIR),
            },
            # GX's own views, with jinja's bytecode cache shared across builds (docs_views.py)
            "site_section_builders": {
                section: {"view": {"module_name": VIEWS, "class_name": "PageView"}}
                for section in ("expectations", "validations", "profiling")
            },
            "site_index_builder": {
                "class_name": "DefaultSiteIndexBuilder",
                "view": {"module_name": VIEWS, "class_name": "IndexPageView"},
            },
        },
    )
    source = gx_context.data_sources.add_postgres(
        name="warehouse", connection_string=url.replace("postgresql://", "postgresql+psycopg2://", 1)
    )
    return gx_context, source


def describe(result) -> str:
    """One failed expectation as a line: its type, column and a few unexpected values."""
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
    """The data docs page of a checkpoint run, or the site's index."""
    restrict_data_docs()  # called right after every checkpoint run that wrote data docs
    for validation_result in run.run_results.values():
        actions = validation_result.get("actions_results", {}) if isinstance(validation_result, dict) else {}
        for site in (actions.get("data_docs") or {}).values():
            if isinstance(site, str):
                return site
    index = DATA_DOCS_DIR / "index.html"
    return index.as_uri() if index.exists() else None


def restrict_data_docs() -> None:
    """Data docs show sample records (unexpected values, rows of a quarantined batch): readable by
    their owner only, folders 0700 and files 0600, whatever the umask GX wrote them with."""
    for folder in (DATA_DOCS_DIR.parent, DATA_DOCS_DIR):
        if folder.exists():
            folder.chmod(0o700)
    for root, folders, files in os.walk(DATA_DOCS_DIR):
        for name in folders:
            path = os.path.join(root, name)
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o700)
        for name in files:
            path = os.path.join(root, name)
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)
