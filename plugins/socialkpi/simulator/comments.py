"""Comment threads under posts, with the brand answering some of them after a delay.

The number of comment events (top-level comments plus the brand's replies) up to the end of
a day equals the post's lifetime ``comments`` counter at that day, so comments_count, the
account's daily comments and the comment list always agree. Events are laid out day by day
in time order; when the brand has a reply due, the next event is that reply, otherwise it
is a new comment from a follower (which the brand plans to answer with some probability).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from socialkpi.simulator.faults import Faults
from socialkpi.simulator.world import (
    Post,
    World,
    brand_identity,
    days_between,
    midnight,
    rng_for,
    stable_int,
)

REPLY_PROBABILITY = 0.6
# Median brand response time ~1.5 h, with a long tail into the next day.
REPLY_DELAY_MEDIAN_MINUTES = 90
REPLY_DELAY_SIGMA = 1.0

FAN_NAMES = ("anna", "ben", "chris", "dana", "eli", "fran", "gus", "hana", "ivo", "jule", "kai")
FAN_SUFFIXES = ("_brews", ".coffee", "_berlin", "1988", "_daily", ".espresso", "_k", "")
FAN_COMMENTS = (
    "Looks amazing! Where can I buy this?",
    "Is this available in the Hamburg store too?",
    "Best beans I've had all year",
    "Do you ship to Austria?",
    "How long does the offer run?",
    "Can I get this decaf?",
    "My order hasn't arrived yet, can you help?",
    "Love the new packaging!",
    "What grind size do you recommend for a moka pot?",
    "Tried it this morning, wow.",
)
BRAND_REPLIES = (
    "Thank you so much! You can find it in our shop, link in bio.",
    "Hi! Yes, it's in all our stores this week.",
    "So glad you like it!",
    "Yes, we ship to Austria and Switzerland.",
    "Please send us a DM with your order number and we'll sort it out.",
    "A medium-fine grind works best. Enjoy!",
)


@dataclass(frozen=True)
class Comment:
    comment_id: str
    author_id: str
    username: str
    text: str
    created_at: datetime  # UTC
    is_brand: bool
    parent_id: str | None = None


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def fan_identity(rng_seed: int) -> tuple[str, str]:
    """(user id, username) of a follower who comments or mentions the brand."""
    name = FAN_NAMES[rng_seed % len(FAN_NAMES)] + FAN_SUFFIXES[(rng_seed >> 8) % len(FAN_SUFFIXES)]
    return str(17_841_400_000_000_000 + (rng_seed % 10**12)), name


def threads_for(world: World, post: Post) -> list[Thread]:
    """All threads under ``post`` as of the end of the last complete day, oldest first."""
    brand_handle, _ = brand_identity(post.platform, post.account_id)
    threads: list[Thread] = []
    pending: list[tuple[datetime, Thread]] = []  # (reply due at, thread) in due order
    sequence = 0
    for day in days_between(post.local_date, world.account_of(post).today):
        new_events = post.increase_on("comments", day)
        if new_events <= 0:
            continue
        rng = rng_for(world.seed, "comments", post.post_id, day)
        day_start = max(midnight(day, post.tz), post.published_at + timedelta(minutes=2))
        day_end = midnight(day + timedelta(days=1), post.tz)
        span = max(60.0, (day_end - day_start).total_seconds() - 1)
        moments = sorted(day_start + timedelta(seconds=rng.uniform(0, span)) for _ in range(new_events))
        for moment in moments:
            sequence += 1
            comment_id = f"17{stable_int(world.seed, 'comment', post.post_id, sequence) % 10**15:015d}"
            if pending and pending[0][0] <= moment:
                _, thread = pending.pop(0)
                thread.replies.append(
                    Comment(
                        comment_id=comment_id,
                        author_id=post.account_id,
                        username=brand_handle,
                        text=rng.choice(BRAND_REPLIES),
                        created_at=moment,
                        is_brand=True,
                        parent_id=thread.comment.comment_id,
                    )
                )
                continue
            author_id, username = fan_identity(stable_int("fan", post.post_id, sequence))
            thread = Thread(
                Comment(
                    comment_id=comment_id,
                    author_id=author_id,
                    username=username,
                    text=rng.choice(FAN_COMMENTS),
                    created_at=moment,
                    is_brand=False,
                )
            )
            threads.append(thread)
            if rng.random() < REPLY_PROBABILITY:
                delay = REPLY_DELAY_MEDIAN_MINUTES * math.exp(rng.gauss(0, REPLY_DELAY_SIGMA))
                due = moment + timedelta(minutes=max(3.0, delay))
                pending.append((due, thread))
                pending.sort(key=lambda item: item[0])
    return threads


def render_instagram(thread: Thread, fields: list[str], brand_handle: str, faults: Faults) -> dict[str, Any]:
    """An IG Comment object with the requested fields (``replies{...}`` nests)."""
    from socialkpi.simulator.meta_graph import field_base, graph_time, nested_fields

    def render(comment: Comment, wanted: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "id": comment.comment_id,
            "text": comment.text,
            "timestamp": graph_time(comment.created_at),
            "username": comment.username,
            "from": {"id": comment.author_id, "username": comment.username},
            "like_count": stable_int("comment-likes", comment.comment_id) % 7,
            "hidden": False,
            "parent_id": comment.parent_id,
        }
        body: dict[str, Any] = {}
        for spec in wanted:
            name = field_base(spec)
            if name == "replies":
                if comment.parent_id is None:
                    reply_fields = nested_fields(spec) or ["id", "text", "timestamp"]
                    replies = [render(reply, reply_fields) for reply in thread.replies]
                    if replies:
                        body["replies"] = {"data": replies}
            elif name in values and values[name] is not None:
                body[name] = values[name]
        body.setdefault("id", comment.comment_id)
        if faults.missing_keys:
            body.pop("timestamp", None)
        return body

    return render(thread.comment, fields)
