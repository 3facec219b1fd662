"""Give every pin of requirements.lock its sha256 hashes, for `pip install --require-hashes`.

    python tools/hash_lock.py requirements.lock.new requirements.lock [--report pip-report.json]

Reads pins (`name==version`, as `pip freeze` writes them) and asks pip, the ordinary client with
the index the pip configuration names, which file it would install for each one
(`pip install --dry-run --report`, no installation, no dependency resolution: the pins are the
whole environment). Each pin gets the hash of that file, plus the hashes of every other file of
the same version that a local index or find-links folder of the pip configuration holds (its
`#sha256=` links, or the files themselves), so an image built on another platform from those
indexes also verifies. The output is deterministic: pins sorted as given, hashes sorted.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

HEADER = (
    "# socialkpi locked environment (Python 3.11), with hashes: install with\n"
    "#   pip install --require-hashes --no-deps -r requirements.lock\n"
    "# Regenerate with `make lock` after changing pyproject.toml (or `make lock-hashes` to re-hash the pins).\n"
)
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> list[tuple[str, str]]:
    found = []
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found.append((match["name"], match["version"]))
    return found


def chosen_file_hashes(
    pinned: list[tuple[str, str]], saved_report: Path | None = None
) -> dict[str, set[str]]:
    """name -> {sha256} of the file pip picks for each pin on this machine (from a report pip
    already wrote for these pins, when given: the dry run downloads what lacks PEP 658 metadata)."""
    if saved_report is not None:
        document = json.loads(saved_report.read_text())
    else:
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "report.json"
            # Bare pins: a lock whose pins carry hashes puts pip in hash-checking mode, where a pin
            # added by hand (no hash yet) is refused.
            requirements = Path(folder) / "pins.txt"
            requirements.write_text("".join(f"{name}=={version}\n" for name, version in pinned))
            command = ["install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet"]
            subprocess.run(
                [sys.executable, "-m", "pip", *command, "--report", str(report), "-r", str(requirements)],
                check=True,
            )
            document = json.loads(report.read_text())
    hashes: dict[str, set[str]] = {}
    for item in document["install"]:
        name = canonical(item["metadata"]["name"])
        archive = (item.get("download_info") or {}).get("archive_info") or {}
        values = set((archive.get("hashes") or {}).get("sha256", "").split()) - {""}
        legacy = archive.get("hash", "")
        if legacy.startswith("sha256="):
            values.add(legacy.split("=", 1)[1])
        if not values:
            raise SystemExit(f"pip reported no sha256 for {name}; is it a local directory or VCS pin?")
        hashes[name] = values
    return hashes


def local_indexes() -> tuple[list[Path], list[Path]]:
    """(simple-index folders, find-links folders) on this disk, from the pip configuration."""
    output = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=True
    ).stdout
    simple, links = [], []
    for line in output.splitlines():
        key, _, value = line.partition("=")
        value = value.strip().strip("'\"")
        for item in value.split():
            path = Path(unquote(urlsplit(item).path)) if item.startswith("file:") else Path(item)
            if not path.is_dir():
                continue
            if key.endswith(("index-url", "extra-index-url")):
                simple.append(path)
            elif key.endswith("find-links"):
                links.append(path)
    return simple, links


def file_matches(filename: str, name: str, version: str) -> bool:
    stem = canonical(filename.split("-")[0]) if "-" in filename else ""
    rest = filename.split("-", 1)[1] if "-" in filename else ""
    return stem == canonical(name) and (rest.startswith(f"{version}-") or rest.startswith(f"{version}.tar"))


def local_file_hashes(name: str, version: str, simple: list[Path], links: list[Path]) -> set[str]:
    hashes = set()
    for index in simple:
        page = index / canonical(name) / "index.html"
        if page.exists():
            for href in re.findall(r'href="([^"]+)"', page.read_text()):
                filename = unquote(urlsplit(href).path.rsplit("/", 1)[-1])
                fragment = urlsplit(href).fragment
                if file_matches(filename, name, version) and fragment.startswith("sha256="):
                    hashes.add(fragment.split("=", 1)[1])
    for folder in links:
        for path in folder.iterdir():
            if path.is_file() and file_matches(path.name, name, version):
                hashes.add(hashlib.sha256(path.read_bytes()).hexdigest())
    return hashes


def main(argv: list[str]) -> int:
    saved_report = None
    if "--report" in argv:
        index = argv.index("--report")
        saved_report = Path(argv[index + 1])
        argv = argv[:index] + argv[index + 2 :]
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    source, target = Path(argv[0]), Path(argv[1])
    pinned = pins(source)
    chosen = chosen_file_hashes(pinned, saved_report)
    simple, links = local_indexes()
    lines = [HEADER.rstrip("\n")]
    for name, version in pinned:
        hashes = chosen.get(canonical(name), set()) | local_file_hashes(name, version, simple, links)
        if not hashes:
            raise SystemExit(f"no hash for {name}=={version}")
        lines.append(f"{name}=={version} \\")
        lines.extend(
            f"    --hash=sha256:{value}" + (" \\" if i < len(hashes) - 1 else "")
            for i, value in enumerate(sorted(hashes))
        )
    target.write_text("\n".join(lines) + "\n")
    print(f"{target}: {len(pinned)} pins with hashes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
