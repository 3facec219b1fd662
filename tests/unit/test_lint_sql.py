"""tools/lint_sql.py: real sqlfluff on a small project; a file is skipped only after it passed
with the same inputs, and a failure is never remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import lint_sql

CONFIG = "[sqlfluff]\ndialect = postgres\ntemplater = jinja\n"
GOOD = "select 1 as one\n"
BAD = "select 1 AS one\n"  # capitalisation.keywords: inconsistent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "dbt_project"
    (root / "models").mkdir(parents=True)
    (root / ".sqlfluff").write_text(CONFIG)
    (root / ".sqlfluffignore").write_text("target/\n")
    (root / "models" / "a.sql").write_text(GOOD)
    (root / "models" / "b.sql").write_text(GOOD)
    (root / "target").mkdir()
    (root / "target" / "compiled.sql").write_text(BAD)  # ignored, as sqlfluff ignores it
    return root


def lint(project: Path, capsys, *argv: str) -> tuple[int, str]:
    code = lint_sql.main(list(argv), project=project, record=project.parent / "record.json")
    return code, capsys.readouterr().out


def test_only_files_whose_inputs_changed_since_they_passed_are_linted_again(project, capsys):
    code, out = lint(project, capsys)
    assert code == 0 and "linting 2 of 2 files" in out
    code, out = lint(project, capsys)
    assert code == 0 and "all 2 files passed before" in out

    (project / "models" / "b.sql").write_text("select 2 as two\n")
    code, out = lint(project, capsys)
    assert code == 0 and "linting 1 of 2 files" in out

    code, out = lint(project, capsys, "--all")
    assert code == 0 and "linting 2 of 2 files" in out

    (project / ".sqlfluff").write_text(CONFIG + "max_line_length = 100\n")
    code, out = lint(project, capsys)
    assert code == 0 and "linting 2 of 2 files" in out, "a change to the configuration lints every file"


def test_a_failing_file_is_linted_until_it_is_fixed(project, capsys):
    lint(project, capsys)
    (project / "models" / "a.sql").write_text(BAD)
    assert lint(project, capsys)[0] != 0
    code, out = lint(project, capsys)
    assert code != 0 and "linting 1 of 2 files" in out
    (project / "models" / "a.sql").write_text(GOOD)
    code, out = lint(project, capsys)
    assert code == 0 and "all 2 files passed before" in out
