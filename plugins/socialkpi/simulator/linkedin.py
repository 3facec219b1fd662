"""LinkedIn Community Management REST API (api.linkedin.com/rest): organization analytics and posts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlencode

from socialkpi.simulator.base import Platform, wants_503
from socialkpi.simulator.faults import foreign_id
from socialkpi.simulator.paging import slice_page
from socialkpi.simulator.wire import ApiError, Request, Response, json_response, malformed_json_response
from socialkpi.simulator.world import HISTORY_START, Post, SocialAccount, midnight, rng_for, stable_int

PLATFORM = "linkedin"
ORG_URN = "urn:li:organization:"
DAY_MS = 86_400_000
# LinkedIn keeps a version active for about a year.
ACTIVE_VERSION_MONTHS = 12
SHARE_STATISTICS_WINDOW = timedelta(days=365)
# LinkedIn's daily statistics are UTC days that settle about two days late: a UTC day is
# served once two more UTC days have passed (Airbyte's source-linkedin-pages asks DAY buckets
# aligned at UTC midnight, unit_tests/test_time_bound_streams.py; settling: docs/sources.md).
SETTLING_DAYS = 2


def li_error(status: int, message: str, **extra: Any) -> Response:
    return json_response({"status": status, **extra, "message": message}, status)


def epoch_ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def org_urn(account_id: str) -> str:
    return f"{ORG_URN}{account_id}"


def post_urn(post: Post) -> str:
    kind = "ugcPost" if post.kind == "video" else "share"
    return f"urn:li:{kind}:{post.post_id}"


class LinkedIn(Platform):
    source = PLATFORM
    mounts = ("/linkedin",)

    def missing_token(self, request: Request) -> Response:
        return li_error(401, "Empty oauth2 access token", serviceErrorCode=65600, code="INVALID_ACCESS_TOKEN")

    def expired_token(self, request: Request) -> Response:
        return li_error(
            401,
            "The token used in the request has expired",
            serviceErrorCode=65601,
            code="EXPIRED_ACCESS_TOKEN",
        )

    def throttled(self, request: Request) -> Response:
        return json_response(
            {
                "serviceErrorCode": 101,
                "message": "Resource level throttle limit for calls to this resource is reached.",
                "status": 429,
            },
            429,
        )

    def server_error(self, request: Request) -> Response:
        if wants_503(request):
            return li_error(503, "Service Unavailable")
        return li_error(500, "Internal Server Error")

    def not_found(self, request: Request) -> Response:
        return li_error(404, f"No virtual resource found for {request.path}", serviceErrorCode=0)

    def response_headers(self, request: Request, response: Response) -> dict[str, str]:
        return {
            "x-restli-protocol-version": "2.0.0",
            "x-li-uuid": f"AAY{stable_int('li-uuid', request.verdict.call_number, request.path) % 10**16:016d}",
        }

    def handle(self, request: Request) -> Response:
        self._check_version(request)
        path = unquote(request.path)
        if request.method != "GET":
            return self.not_found(request)
        if path == "/rest/organizationalEntityFollowerStatistics":
            return self._follower_statistics(request)
        if path == "/rest/organizationalEntityShareStatistics":
            return self._share_statistics(request)
        if path.startswith("/rest/networkSizes/"):
            return self._network_size(request, path.removeprefix("/rest/networkSizes/"))
        if path == "/rest/posts":
            return self._posts(request)
        return self.not_found(request)

    def _check_version(self, request: Request) -> None:
        version = request.header("linkedin-version")
        if not version:
            raise ApiError(
                li_error(
                    400,
                    "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
                    code="VERSION_MISSING",
                )
            )
        match = re.fullmatch(r"(\d{4})(\d{2})(?:\.\d{2})?", version)
        if match is None:
            raise ApiError(li_error(400, f"Invalid version format: {version}", code="INVALID_VERSION"))
        year, month = int(match.group(1)), int(match.group(2))
        today = request.world.today
        age_in_months = (today.year - year) * 12 + today.month - month
        if not 0 <= age_in_months <= ACTIVE_VERSION_MONTHS or not 1 <= month <= 12:
            raise ApiError(
                li_error(
                    426, f"Requested version {year}{month:02d}01 is not active", code="NONEXISTENT_VERSION"
                )
            )

    # -- helpers -----------------------------------------------------------------------

    def _organization(self, request: Request, urn: str | None, resource: str) -> SocialAccount:
        if request.query.get("q", "organizationalEntity") != "organizationalEntity" and resource != "posts":
            raise ApiError(
                li_error(400, "Invalid query parameters passed to request", code="ILLEGAL_ARGUMENT")
            )
        if not urn or not urn.startswith(ORG_URN):
            raise ApiError(
                li_error(400, "Invalid value for param organizationalEntity", code="ILLEGAL_ARGUMENT")
            )
        account_id = urn.removeprefix(ORG_URN)
        if not request.world.has_account(PLATFORM, account_id):
            raise ApiError(
                li_error(
                    403,
                    f"Not enough permissions to access: {resource}.GET.NO_VERSION",
                    serviceErrorCode=100,
                    code="ACCESS_DENIED",
                )
            )
        return request.world.account(PLATFORM, account_id)

    def _entity(self, request: Request, account: SocialAccount) -> str:
        if request.faults.wrong_account:
            return org_urn(foreign_id(account.account_id))
        return org_urn(account.account_id)

    def _time_buckets(self, request: Request) -> list[tuple[int, int]] | None:
        """The DAY buckets of ``timeIntervals``; None for a lifetime (no interval) call."""
        raw = request.query.get("timeIntervals")
        if raw:
            start = re.search(r"start:(\d+)", raw)
            end = re.search(r"end:(\d+)", raw)
            granularity = re.search(r"timeGranularityType:(\w+)", raw)
        else:
            start = _dotted(request, "timeIntervals.timeRange.start")
            end = _dotted(request, "timeIntervals.timeRange.end")
            granularity = _dotted(request, "timeIntervals.timeGranularityType")
        if start is None:
            return None
        if end is None or granularity is None or granularity.group(1) != "DAY":
            raise ApiError(
                li_error(
                    400,
                    "timeIntervals needs timeRange start and end and timeGranularityType DAY",
                    code="ILLEGAL_ARGUMENT",
                )
            )
        start_ms, end_ms = int(start.group(1)), int(end.group(1))
        if end_ms - start_ms < DAY_MS:
            raise ApiError(
                li_error(
                    400, "Time range must be at least one day for DAY granularity", code="ILLEGAL_ARGUMENT"
                )
            )
        # Buckets are UTC days: a start that is not a UTC midnight is floored to one, and each
        # element's timeRange says which UTC day it is (a local-midnight request east of UTC
        # therefore answers the UTC day that began before the local one).
        first = start_ms - start_ms % DAY_MS
        return [(bucket, bucket + DAY_MS) for bucket in range(first, end_ms - DAY_MS + 1, DAY_MS)]

    def _bucket_day(self, bucket_start_ms: int) -> date:
        return datetime.fromtimestamp(bucket_start_ms / 1000, tz=UTC).date()

    def _settled(self, request: Request, day: date) -> bool:
        """A UTC day is served once settled: SETTLING_DAYS full UTC days after it ended."""
        ends = midnight(day + timedelta(days=1 + SETTLING_DAYS), UTC)
        return day >= HISTORY_START and ends <= request.world.now

    def _envelope(self, request: Request, elements: list[dict[str, Any]]) -> Response:
        faults = request.faults
        count = int(request.query.get("count", "10") or 10)
        start = int(request.query.get("start", "0") or 0)
        page = slice_page(elements, start, max(1, count), faults) if elements else None
        shown = page.items if page else []
        if faults.missing_keys and shown:
            shown[0] = {key: value for key, value in shown[0].items() if key != "organizationalEntity"}
        body: dict[str, Any] = {"paging": {"start": start, "count": count, "links": []}, "elements": shown}
        if page and page.has_more:
            query = {**request.query, "start": str(start + count), "count": str(count)}
            body["paging"]["links"].append(
                {
                    "type": "application/json",
                    "rel": "next",
                    "href": f"/rest{request.path.removeprefix('/rest')}?{urlencode(query)}",
                }
            )
        if page and page.is_malformed(faults):
            return malformed_json_response(body)
        return json_response(body)

    # -- follower statistics -------------------------------------------------------------

    def _follower_statistics(self, request: Request) -> Response:
        faults = request.faults
        account = self._organization(
            request, request.query.get("organizationalEntity"), "organizationalEntityFollowerStatistics"
        )
        buckets = self._time_buckets(request)
        entity = self._entity(request, account)
        if buckets is None:
            followers = account.followers_now()
            return self._envelope(request, [_lifetime_follower_breakdown(account, followers, entity)])
        elements = []
        for start_ms, end_ms in buckets:
            day = self._bucket_day(start_ms)
            if not self._settled(request, day) or faults.is_empty_day(day.isoformat()):
                continue
            organic, paid = follower_gains(account, day)
            if faults.negative_counts:
                organic, paid = -abs(organic) - 1, -abs(paid) - 1
            if faults.dates_out_of_range:
                start_ms, end_ms = start_ms + 30 * DAY_MS, end_ms + 30 * DAY_MS
            elements.append(
                {
                    "timeRange": {"start": start_ms, "end": end_ms},
                    "followerGains": {"organicFollowerGain": organic, "paidFollowerGain": paid},
                    "organizationalEntity": entity,
                }
            )
        return self._envelope(request, elements)

    def _network_size(self, request: Request, urn: str) -> Response:
        faults = request.faults
        edge_type = request.query.get("edgeType", "")
        if edge_type not in ("COMPANY_FOLLOWED_BY_MEMBER", "CompanyFollowedByMember"):
            raise ApiError(li_error(400, f"Invalid edgeType: {edge_type}", code="ILLEGAL_ARGUMENT"))
        account = self._organization(request, urn, "networkSizes")
        followers = account.followers_now()
        if faults.follower_jump:
            followers *= 5
        if faults.negative_counts:
            followers = -followers
        body: dict[str, Any] = {"firstDegreeSize": followers}
        if faults.missing_keys:
            body = {}
        return json_response(body)

    # -- share statistics ------------------------------------------------------------

    def _share_statistics(self, request: Request) -> Response:
        faults = request.faults
        account = self._organization(
            request, request.query.get("organizationalEntity"), "organizationalEntityShareStatistics"
        )
        entity = self._entity(request, account)
        world = request.world
        as_of = account.last_complete_day
        window_start = account.today - SHARE_STATISTICS_WINDOW
        requested = _urn_list(request.query.get("shares")) + _urn_list(request.query.get("ugcPosts"))
        if requested:
            elements = []
            for urn in requested:
                post = world.find_post(PLATFORM, urn.rpartition(":")[2])
                if post is None or post.account_id != account.account_id:
                    continue
                kind = "ugcPost" if urn.startswith("urn:li:ugcPost:") else "share"
                stats = share_statistics([post], lambda p, metric: p.lifetime(metric, as_of), faults)
                elements.append({kind: urn, "totalShareStatistics": stats, "organizationalEntity": entity})
            return self._envelope(request, elements)
        buckets = self._time_buckets(request)
        if buckets is None:
            posts = account.posts_between(window_start, account.today)
            stats = share_statistics(posts, lambda p, metric: p.lifetime(metric, as_of), faults)
            return self._envelope(request, [{"totalShareStatistics": stats, "organizationalEntity": entity}])
        elements = []
        for start_ms, end_ms in buckets:
            day = self._bucket_day(start_ms)
            if not self._settled(request, day) or faults.is_empty_day(day.isoformat()):
                continue
            if day < window_start:
                raise ApiError(
                    li_error(
                        400,
                        "Share statistics are only available for the past 12 months",
                        code="ILLEGAL_ARGUMENT",
                    )
                )
            bounds = account.day_bounds(day, UTC)
            posts = account.posts_growing_between(*bounds)
            stats = share_statistics(
                posts, lambda p, metric, b=bounds: p.increase_between(metric, *b), faults
            )
            if faults.dates_out_of_range:
                start_ms, end_ms = start_ms + 30 * DAY_MS, end_ms + 30 * DAY_MS
            elements.append(
                {
                    "timeRange": {"start": start_ms, "end": end_ms},
                    "totalShareStatistics": stats,
                    "organizationalEntity": entity,
                }
            )
        return self._envelope(request, elements)

    # -- posts ---------------------------------------------------------------------------

    def _posts(self, request: Request) -> Response:
        if request.query.get("q") != "author":
            raise ApiError(
                li_error(400, "Invalid query parameters passed to request", code="ILLEGAL_ARGUMENT")
            )
        account = self._organization(request, request.query.get("author"), "posts")
        count = int(request.query.get("count", "10") or 10)
        if not 1 <= count <= 100:
            raise ApiError(li_error(400, "count must be between 1 and 100", code="ILLEGAL_ARGUMENT"))
        faults = request.faults
        posts = account.posts_before(account.today)
        start = int(request.query.get("start", "0") or 0)
        page = slice_page(posts, start, count, faults)
        elements = [self._post(request, account, post) for post in page.items]
        if faults.missing_keys and elements:
            elements[0].pop("id")
        body: dict[str, Any] = {"paging": {"start": start, "count": count, "links": []}, "elements": elements}
        if page.has_more:
            query = {**request.query, "start": str(start + count), "count": str(count)}
            body["paging"]["links"].append(
                {"type": "application/json", "rel": "next", "href": f"/rest/posts?{urlencode(query)}"}
            )
        if page.offset > 0:
            query = {**request.query, "start": str(max(0, start - count)), "count": str(count)}
            body["paging"]["links"].append(
                {"type": "application/json", "rel": "prev", "href": f"/rest/posts?{urlencode(query)}"}
            )
        if page.is_malformed(faults):
            return malformed_json_response(body)
        return json_response(body)

    def _post(self, request: Request, account: SocialAccount, post: Post) -> dict[str, Any]:
        published = epoch_ms(post.published_at)
        if request.faults.dates_out_of_range:
            published += 400 * DAY_MS
        commentary = rng_for("li-text", post.post_id).choice(
            ("We are hiring baristas in Berlin.", "Inside our roastery: how we source green coffee.")
        )
        if post.campaign is not None:
            commentary = f"{post.campaign.theme}. {post.utm_url}"
        element: dict[str, Any] = {
            "id": post_urn(post),
            "author": self._entity(request, account),
            "commentary": commentary,
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
            "createdAt": published,
            "publishedAt": published,
            "lastModifiedAt": published,
        }
        if post.campaign is not None:
            element["content"] = {"article": {"source": post.utm_url, "title": post.campaign.theme}}
        return element


def follower_gains(account: SocialAccount, day: date) -> tuple[int, int]:
    """(organic, paid) net follower gain of UTC ``day``; together: follows - unfollows."""
    activity = account.activity(day, UTC)
    paid = stable_int("li-paid", account.account_id, day) % (min(3, activity.follows) + 1)
    return activity.follows - activity.unfollows - paid, paid


def share_statistics(posts: list[Post], value, faults) -> dict[str, Any]:
    impressions = sum(value(post, "views") for post in posts)
    unique = sum(value(post, "reach") for post in posts)
    clicks = sum(value(post, "clicks") for post in posts)
    likes = sum(value(post, "likes") for post in posts)
    comments = sum(value(post, "comments") for post in posts)
    shares = sum(value(post, "shares") for post in posts)
    if faults.negative_counts:
        impressions, likes = -impressions - 1, -likes - 1
    engagement = (clicks + likes + comments + shares) / impressions if impressions > 0 else 0.0
    return {
        "uniqueImpressionsCount": unique,
        "shareCount": shares,
        "shareMentionsCount": 0,
        "engagement": round(engagement, 6),
        "clickCount": clicks,
        "likeCount": likes,
        "impressionCount": impressions,
        "commentMentionsCount": 0,
        "commentCount": comments,
    }


def _lifetime_follower_breakdown(account: SocialAccount, followers: int, entity: str) -> dict[str, Any]:
    paid = followers // 40

    def counts(share: float) -> dict[str, int]:
        return {
            "organicFollowerCount": round((followers - paid) * share),
            "paidFollowerCount": round(paid * share),
        }

    return {
        "followerCountsByAssociationType": [{"associationType": "EMPLOYEE", "followerCounts": counts(0.01)}],
        "followerCountsBySeniority": [
            {"seniority": f"urn:li:seniority:{n}", "followerCounts": counts(share)}
            for n, share in ((3, 0.42), (4, 0.31), (5, 0.15))
        ],
        "followerCountsByIndustry": [
            {"industry": f"urn:li:industry:{n}", "followerCounts": counts(share)}
            for n, share in ((34, 0.38), (27, 0.22), (4, 0.09))
        ],
        "followerCountsByFunction": [
            {"function": f"urn:li:function:{n}", "followerCounts": counts(share)}
            for n, share in ((15, 0.24), (18, 0.19), (26, 0.12))
        ],
        "followerCountsByStaffCountRange": [
            {"staffCountRange": name, "followerCounts": counts(share)}
            for name, share in (("SIZE_11_TO_50", 0.31), ("SIZE_51_TO_200", 0.26), ("SIZE_2_TO_10", 0.18))
        ],
        "followerCountsByGeoCountry": [
            {"geo": f"urn:li:geo:{n}", "followerCounts": counts(share)}
            for n, share in ((101282230, 0.71), (103883259, 0.08), (106693272, 0.06))
        ],
        "followerCountsByGeo": [
            {"geo": f"urn:li:geo:{n}", "followerCounts": counts(share)}
            for n, share in ((106967730, 0.39), (100477049, 0.12), (100720695, 0.07))
        ],
        "organizationalEntity": entity,
    }


def _dotted(request: Request, name: str) -> re.Match[str] | None:
    raw = request.query.get(name)
    return re.fullmatch(r"(\w+)", raw) if raw else None


def _urn_list(raw: str | None) -> list[str]:
    """``List(urn:li:share:1,urn:li:share:2)`` -> the URNs."""
    if not raw:
        return []
    inner = raw.removeprefix("List(").removesuffix(")")
    return [unquote(item) for item in inner.split(",") if item]
