"""TikTok Display API v2: user info, video list cursor paging, video query, envelopes."""

from __future__ import annotations

import requests

from .support import TT_USER

VIDEO_FIELDS = "id,title,create_time,share_url,like_count,comment_count,share_count,view_count"


def test_user_info_and_ok_envelope(http, server):
    response = http.get(
        f"{server.base_url('tiktok')}/v2/user/info/",
        params={"fields": "open_id,display_name,follower_count,video_count"},
    )
    body = response.json()
    assert body["error"]["code"] == "ok" and body["error"]["message"] == ""
    assert body["error"]["log_id"]
    assert body["data"]["user"]["open_id"] == TT_USER
    assert set(body["data"]["user"]) == {"open_id", "display_name", "follower_count", "video_count"}


def test_video_list_cursor_paging(http, server):
    url = f"{server.base_url('tiktok')}/v2/video/list/"
    videos, cursor = [], None
    while True:
        payload = {"max_count": 20, **({"cursor": cursor} if cursor else {})}
        body = http.post(url, params={"fields": VIDEO_FIELDS}, json=payload).json()
        videos.extend(body["data"]["videos"])
        cursor = body["data"]["cursor"]
        if not body["data"]["has_more"]:
            break
    ids = [video["id"] for video in videos]
    assert len(ids) == len(set(ids))
    user = http.get(f"{server.base_url('tiktok')}/v2/user/info/", params={"fields": "video_count"}).json()
    assert len(ids) == user["data"]["user"]["video_count"]
    created = [video["create_time"] for video in videos]
    assert created == sorted(created, reverse=True)


def test_video_query_leaves_out_unknown_ids(http, server):
    listed = http.post(
        f"{server.base_url('tiktok')}/v2/video/list/", params={"fields": "id"}, json={"max_count": 3}
    ).json()["data"]["videos"]
    ids = [video["id"] for video in listed] + ["7000000000000000000"]
    body = http.post(
        f"{server.base_url('tiktok')}/v2/video/query/",
        params={"fields": VIDEO_FIELDS},
        json={"filters": {"video_ids": ids}},
    ).json()
    assert [video["id"] for video in body["data"]["videos"]] == ids[:3]


def test_invalid_fields_and_missing_token(http, server):
    bad = http.get(f"{server.base_url('tiktok')}/v2/user/info/", params={"fields": "open_id,impressions"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_params"
    missing = requests.get(f"{server.base_url('tiktok')}/v2/user/info/", params={"fields": "open_id"})
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "access_token_invalid"
