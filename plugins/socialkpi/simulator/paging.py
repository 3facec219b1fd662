"""Slicing lists into pages, with the paging faults applied in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from socialkpi.simulator.faults import Faults

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int  # 1-based
    offset: int
    has_more: bool

    def is_malformed(self, faults: Faults) -> bool:
        return faults.malformed_page is not None and faults.malformed_page == self.number


def slice_page(items: list[T], offset: int, limit: int, faults: Faults) -> Page[T]:
    offset = max(0, offset)
    limit = max(1, limit)
    page_items = list(items[offset : offset + limit])
    if faults.duplicate_ids_across_pages and offset > 0 and page_items:
        # The page starts with the last item of the previous page again.
        page_items[0] = items[offset - 1]
    return Page(
        items=page_items,
        number=offset // limit + 1,
        offset=offset,
        has_more=offset + limit < len(items),
    )
