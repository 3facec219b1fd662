"""The request and response objects passed between the HTTP server and the platforms."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from socialkpi.simulator.faults import CallVerdict, Faults
from socialkpi.simulator.world import World


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """Raised by a platform handler to answer with an error response right away."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def encode_json(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    merged = {"Content-Type": "application/json; charset=UTF-8"}
    merged.update(headers or {})
    return Response(status, encode_json(payload), merged)


def malformed_json_response(payload: Any) -> Response:
    """A 200 whose body is cut in the middle, as a dropped connection behind a proxy looks."""
    body = encode_json(payload)
    return Response(200, body[: max(1, len(body) // 2)], {"Content-Type": "application/json"})


@dataclass
class Request:
    method: str
    path: str  # below the platform mount, e.g. "/17841400000000001/insights"
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    mount_url: str  # absolute URL of the mount as the client reached it
    world: World
    verdict: CallVerdict

    @property
    def faults(self) -> Faults:
        return self.verdict.faults

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def bearer_token(self) -> str | None:
        authorization = self.header("authorization") or ""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        return None

    def json_body(self) -> Any:
        if not self.body:
            return None
        return json.loads(self.body)

    def url_for(self, path: str, query: dict[str, str]) -> str:
        """An absolute URL on this simulator (used for paging links)."""
        return f"{self.mount_url}{path}?{urlencode(query)}"
