"""What every simulated platform provides to the HTTP server."""

from __future__ import annotations

from socialkpi.simulator.wire import Request, Response, json_response


class Platform:
    """One source API. Subclasses render bodies in the platform's own wire shapes."""

    source: str = ""  # the key used in accounts and faults
    mounts: tuple[str, ...] = ()  # URL prefixes this platform answers below
    accepts_query_token = False  # Graph API also takes ?access_token=

    def handle(self, request: Request) -> Response:
        raise NotImplementedError

    def missing_token(self, request: Request) -> Response:
        return json_response({"error": "unauthorized"}, status=401)

    def expired_token(self, request: Request) -> Response:
        return self.missing_token(request)

    def throttled(self, request: Request) -> Response:
        return json_response({"error": "rate limited"}, status=429)

    def server_error(self, request: Request) -> Response:
        return json_response({"error": "internal error"}, status=500)

    def quota_exceeded(self, request: Request) -> Response | None:
        """Only platforms with a daily quota (YouTube) answer this; others return None."""
        return None

    def response_headers(self, request: Request, response: Response) -> dict[str, str]:
        """Headers the real API adds to every answer (usage, version, rate-limit state)."""
        return {}

    def not_found(self, request: Request) -> Response:
        return json_response({"error": f"no route for {request.method} {request.path}"}, 404)


def occurrence(call_number: int, every: int | None) -> int:
    """0-based count of how many times a fault firing every ``every`` calls has fired."""
    return call_number // every - 1 if every else 0


def wants_503(request: Request) -> bool:
    """Server errors alternate 500 and 503 so clients see both."""
    return occurrence(request.verdict.call_number, request.faults.server_error_every) % 2 == 1
