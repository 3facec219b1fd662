"""requirements.lock pins every package with its sha256, and every install verifies them."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def requirements() -> dict[str, list[str]]:
    """pin -> its hashes, from the lock's continued lines."""
    text = (REPO / "requirements.lock").read_text().replace("\\\n", " ")
    found = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pin, *options = line.split()
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[^=\s]+", pin), f"not an exact pin: {line}"
        found[pin] = [o.split(":", 1)[1] for o in options if o.startswith("--hash=sha256:")]
        assert len(found[pin]) == len(options), f"{pin}: only --hash options may follow a pin"
    return found


def test_every_pin_carries_a_sha256():
    pins = requirements()
    assert len(pins) > 100
    missing = [pin for pin, hashes in pins.items() if not hashes]
    assert missing == [], "run `make lock-hashes` after adding a pin"
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for hashes in pins.values() for value in hashes)


def test_every_install_of_the_lock_requires_the_hashes():
    for path in ("Makefile", "Dockerfile"):
        installs = [
            line
            for line in (REPO / path).read_text().splitlines()
            if "pip install" in line and "requirements.lock" in line
        ]
        assert installs, f"{path} installs the lock"
        for line in installs:
            assert "--require-hashes" in line and "--no-deps" in line, f"{path}: {line.strip()}"
