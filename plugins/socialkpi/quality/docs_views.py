"""Data docs page views that compile GX's page templates once per process, not once per page.

GX builds a new jinja `Environment` for every data docs build, so each quarantined batch compiled
all of GX's page templates again: about 1 s of a failing batch's 1.5 s of docs. These views are
GX's own (`DefaultJinjaPageView`, `DefaultJinjaIndexPageView`), named in the site's configuration
(`context.py`, GX's `view` setting of a site section), with one addition: a bytecode cache shared
by every environment of the process. jinja keys each entry by template name and a checksum of its
source, so a changed template is compiled again.
"""

from __future__ import annotations

from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class ProcessBytecodeCache(BytecodeCache):
    """jinja's bytecode cache, kept in this process's memory (jinja ships file and memcached ones)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()

    def __len__(self) -> int:
        return len(self._compiled)


COMPILED_TEMPLATES = ProcessBytecodeCache()


class SharedCompiledTemplates:
    """Mixed into a GX view: its jinja environment uses the process's bytecode cache."""

    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        super().__init__(custom_styles_directory, custom_views_directory)
        self.env.bytecode_cache = COMPILED_TEMPLATES


class PageView(SharedCompiledTemplates, DefaultJinjaPageView):
    """GX's page view (validation results, suites), its templates compiled once per process."""


class IndexPageView(SharedCompiledTemplates, DefaultJinjaIndexPageView):
    """GX's index page view, its templates compiled once per process."""
