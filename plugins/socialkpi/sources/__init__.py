"""Every source socialkpi can extract, by name. A source is a set of declared streams."""

from socialkpi.sources import facebook, ga4, instagram, linkedin, plausible, tiktok, x, youtube
from socialkpi.sources.base import Source

SOURCES: dict[str, Source] = {
    module.SOURCE.name: module.SOURCE
    for module in (instagram, facebook, x, linkedin, youtube, tiktok, ga4, plausible)
}

__all__ = ["SOURCES", "Source"]
