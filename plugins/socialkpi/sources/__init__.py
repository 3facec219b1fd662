"""Every source socialkpi can extract, by name. A source is a set of declared streams."""

from socialkpi.sources import ga4, instagram
from socialkpi.sources.base import Source

SOURCES: dict[str, Source] = {module.SOURCE.name: module.SOURCE for module in (instagram, ga4)}

__all__ = ["SOURCES", "Source"]
