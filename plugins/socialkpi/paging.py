"""Paging styles, each written once: given the page just read, the next request or None.

A stream names its style (`Stream.paginator`); the extraction loop (`extract.py`) asks it for the
next page until it says done. Nothing here makes a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def dig(document: Any, path: str) -> Any:
    """`dig(body, "paging.cursors.after")`, `dig(entry, "values.0.end_time")` (a number steps into a
    list, as PostgreSQL's `#>>` does); None where any step is missing."""
    current = document
    for step in path.split(".") if path else []:
        if isinstance(current, dict):
            current = current.get(step)
        elif isinstance(current, list) and step.isdigit() and int(step) < len(current):
            current = current[int(step)]
        else:
            return None
    return current


def with_value(document: dict | None, path: str, value: Any) -> dict:
    """A copy of `document` with `value` at the dotted `path` (nested dicts created as needed)."""
    head, _, rest = path.partition(".")
    copy = dict(document or {})
    if rest:
        inner = copy.get(head)
        copy[head] = with_value(inner if isinstance(inner, dict) else None, rest, value)
    else:
        copy[head] = value
    return copy


@dataclass(frozen=True)
class Page:
    """One request to make: a path or absolute URL, query parameters and an optional JSON body."""

    url: str
    params: dict[str, Any] | None
    body: dict[str, Any] | None


class Paginator:
    """Given the page just read, return the next request or None when done."""

    def first(self, page: Page) -> Page:
        return page

    def next_page(self, page: Page, body: Any, records_seen: int) -> Page | None:
        return None


@dataclass(frozen=True)
class SinglePage(Paginator):
    pass


@dataclass(frozen=True)
class NextUrl(Paginator):
    """Graph API cursors and LinkedIn links: the response names the next page's full URL.

    The URL is followed as sent; whether its host may receive the token is the client's decision.
    """

    next_path: str = "paging.next"

    def next_page(self, page, body, records_seen):
        next_url = dig(body, self.next_path)
        return Page(next_url, None, page.body) if next_url else None


@dataclass(frozen=True)
class TokenParam(Paginator):
    """X `meta.next_token` -> `pagination_token`; YouTube `nextPageToken` -> `pageToken`."""

    token_path: str
    param: str

    def next_page(self, page, body, records_seen):
        token = dig(body, self.token_path)
        if not token:
            return None
        return Page(page.url, {**(page.params or {}), self.param: token}, page.body)


@dataclass(frozen=True)
class BodyCursor(Paginator):
    """TikTok: POST body `cursor` from `data.cursor` while `data.has_more`."""

    cursor_path: str = "data.cursor"
    has_more_path: str = "data.has_more"
    body_field: str = "cursor"

    def next_page(self, page, body, records_seen):
        if not dig(body, self.has_more_path):
            return None
        return Page(
            page.url, page.params, {**(page.body or {}), self.body_field: dig(body, self.cursor_path)}
        )


@dataclass(frozen=True)
class OffsetLimit(Paginator):
    """GA4 runReport and Plausible: `offset` += `limit` until `total_path` rows were read.

    `in_body` places offset/limit in the JSON body (GA4; Plausible v2 nests them, so the field names
    are dotted paths: `pagination.offset`), else in the query (LinkedIn start/count, YouTube Analytics
    startIndex/maxResults). `start` is the first offset (1 for 1-based APIs). Without `total_path`,
    a short page ends the walk.
    """

    limit: int
    offset_field: str = "offset"
    limit_field: str = "limit"
    total_path: str | None = None
    in_body: bool = True
    start: int = 0

    def first(self, page: Page) -> Page:
        return self._with(page, self.start)

    def next_page(self, page, body, records_seen):
        holder = page.body if self.in_body else page.params
        offset = (
            dig(holder or {}, self.offset_field) if self.in_body else (holder or {}).get(self.offset_field)
        )
        offset = int(self.start if offset is None else offset)
        total = dig(body, self.total_path) if self.total_path else None
        next_offset = offset + self.limit
        if total is not None:
            return self._with(page, next_offset) if next_offset - self.start < int(total) else None
        return self._with(page, next_offset) if records_seen >= self.limit else None

    def _with(self, page: Page, offset: int) -> Page:
        if self.in_body:
            body = with_value(page.body, self.offset_field, offset)
            return Page(page.url, page.params, with_value(body, self.limit_field, self.limit))
        fields = {self.offset_field: offset, self.limit_field: self.limit}
        return Page(page.url, {**(page.params or {}), **fields}, page.body)
