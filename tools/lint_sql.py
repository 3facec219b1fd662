"""sqlfluff over the dbt project, skipping the files that passed before with the same inputs.

    python tools/lint_sql.py [--all]

sqlfluff has no cache, and lints every file every time: over a minute of `make test` on two
cores. A file's result depends only on its own text and on what the jinja templater and the rules
read besides: the project's `.sqlfluff` and `.sqlfluffignore`, `dbt_project.yml`, the macros and
the lint stand-ins under `lint/`, the versions of sqlfluff and sqlfluffrs, and the project's jinja
templater (`tools/sqlfluff_templater`). A file that passed with all of those unchanged passes
again, so it is skipped; any change to one of the shared inputs lints every file again. Only
passes are remembered (in `.socialkpi/lint/`, never committed), so a failing file is linted until
it is fixed. `--all` ignores the record; a fresh clone (CI) has none.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "dbt_project"
RECORD = ROOT / ".socialkpi" / "lint" / "sqlfluff-passed.json"
FEW_FILES = 4
SHARED_INPUTS = (".sqlfluff", ".sqlfluffignore", "dbt_project.yml", "macros", "lint")
# The project's jinja templater (a sqlfluff plugin, tools/sqlfluff_templater) renders every file.
TEMPLATER = ROOT / "tools" / "sqlfluff_templater" / "socialkpi_sqlfluff_templater.py"
SQLFLUFF = [str(Path(sys.executable).parent / "sqlfluff"), "lint", "--disable-progress-bar", "--nocolor"]


def linted_files(project: Path) -> list[Path]:
    """The SQL files `sqlfluff lint dbt_project` lints: sqlfluff's own discovery, ignore files and all."""
    from sqlfluff.core.linter.discovery import paths_from_path

    return sorted(
        Path(path).resolve() for path in paths_from_path(str(project), working_path=str(project.parent))
    )


def shared_digest(project: Path) -> str:
    """One digest of everything besides a file's own text that decides its result."""
    digest = hashlib.sha256()
    for package in ("sqlfluff", "sqlfluffrs"):
        try:
            digest.update(f"{package}=={version(package)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{package} absent\n".encode())
    digest.update(TEMPLATER.read_bytes() + b"\0")
    for name in SHARED_INPUTS:
        path = project / name
        files = (
            sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if path.is_dir()
            else [path]
        )
        for file in files:
            if file.exists():
                digest.update(
                    file.relative_to(project).as_posix().encode() + b"\0" + file.read_bytes() + b"\0"
                )
    return digest.hexdigest()


def file_key(shared: str, project: Path, path: Path) -> str:
    return hashlib.sha256(
        shared.encode() + b"\0" + path.relative_to(project).as_posix().encode() + b"\0" + path.read_bytes()
    ).hexdigest()


def main(argv: list[str], project: Path = PROJECT, record: Path = RECORD) -> int:
    project = project.resolve()
    shared = shared_digest(project)
    files = linted_files(project)
    passed = set()
    if "--all" not in argv and record.exists():
        try:
            passed = set(json.loads(record.read_text()))
        except ValueError:
            passed = set()  # a damaged record only costs a full lint
    keys = {path: file_key(shared, project, path) for path in files}
    stale = [path for path in files if keys[path] not in passed]
    if not stale:
        print(
            f"sqlfluff: all {len(files)} files passed before with these inputs (tools/lint_sql.py); --all lints them again"
        )
        return 0
    print(
        f"sqlfluff: linting {len(stale)} of {len(files)} files"
        + (" (the others passed before with these inputs)" if len(stale) < len(files) else ""),
        flush=True,
    )
    # One process per core; from the project folder, so sqlfluff finds its configuration as usual.
    # A few files: in this process (starting a pool of sqlfluff processes costs more than it saves).
    processes = "1" if len(stale) <= FEW_FILES else "0"
    command = [*SQLFLUFF, "--processes", processes, *(str(path.relative_to(project)) for path in stale)]
    code = subprocess.run(command, cwd=project).returncode
    if code == 0:
        record.parent.mkdir(parents=True, exist_ok=True)
        # Keep only keys of this run's inputs: the record never grows past one entry per file.
        record.write_text(json.dumps(sorted(keys.values())))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
