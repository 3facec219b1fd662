"""Post ids in each platform's own format that still encode (account, day, index).

Encoding the key into the id keeps the server stateless: any id a client got from a list
endpoint can be resolved again by a detail or insights endpoint, in any process.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime

# X (Twitter) snowflake epoch, in milliseconds.
TWITTER_EPOCH_MS = 1288834974657


@dataclass(frozen=True)
class PostKey:
    account_tag: int  # 0..1023
    day_ordinal: int  # days since world.HISTORY_START
    index: int  # 0..9, position among the day's posts


def encode_post_id(platform: str, key: PostKey, published_at: datetime, check: int) -> str:
    if platform == "x":
        # A real snowflake: the creation time is recoverable from the id itself.
        millis = int(published_at.timestamp() * 1000) - TWITTER_EPOCH_MS
        return str((millis << 22) | (key.account_tag << 12) | key.index)
    if platform == "youtube":
        raw = (
            key.account_tag.to_bytes(2, "big")
            + key.day_ordinal.to_bytes(2, "big")
            + key.index.to_bytes(1, "big")
            + (check % 2**24).to_bytes(3, "big")
        )
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")
    if platform in ("linkedin", "tiktok"):
        return f"7{key.account_tag:04d}{key.day_ordinal:05d}{key.index:01d}{check % 10**8:08d}"
    # Instagram media and the numeric part of Facebook post ids.
    return f"18{key.account_tag:04d}{key.day_ordinal:05d}{key.index:01d}{check % 10**5:05d}"


def decode_post_id(platform: str, post_id: str) -> PostKey | None:
    try:
        if platform == "x":
            return _decode_snowflake(int(post_id))
        if platform == "youtube":
            raw = base64.urlsafe_b64decode(post_id + "=")
            if len(raw) != 8:
                return None
            return PostKey(int.from_bytes(raw[0:2], "big"), int.from_bytes(raw[2:4], "big"), raw[4])
        if platform in ("linkedin", "tiktok"):
            if len(post_id) != 19 or not post_id.isdigit() or post_id[0] != "7":
                return None
            return PostKey(int(post_id[1:5]), int(post_id[5:10]), int(post_id[10]))
        if platform == "facebook":
            post_id = post_id.rpartition("_")[2]
        if len(post_id) != 17 or not post_id.isdigit() or not post_id.startswith("18"):
            return None
        return PostKey(int(post_id[2:6]), int(post_id[6:11]), int(post_id[11]))
    except ValueError:
        return None


def _decode_snowflake(snowflake: int) -> PostKey | None:
    from socialkpi.simulator.world import HISTORY_START

    millis = (snowflake >> 22) + TWITTER_EPOCH_MS
    published_at = datetime.fromtimestamp(millis / 1000, tz=UTC)
    day_ordinal = (published_at.date() - HISTORY_START).days
    if day_ordinal < 0:
        return None
    return PostKey((snowflake >> 12) & 0x3FF, day_ordinal, snowflake & 0xF)
