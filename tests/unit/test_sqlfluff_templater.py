"""tools/sqlfluff_templater: sqlfluff's jinja templater compiling each jinja source once per
process. It must report exactly what sqlfluff's own jinja templater reports."""

from __future__ import annotations

import configparser
from collections import OrderedDict
from pathlib import Path

import pytest
import socialkpi_sqlfluff_templater as templater
from jinja2.sandbox import SandboxedEnvironment
from sqlfluff.core import FluffConfig, Linter

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
# One macro calls another from a different file (the templater's late binding), one branches.
MACROS = {
    "math.sql": (
        "{% macro safe_divide(n, d) -%}\n    cast({{ n }} as float) / nullif({{ d }}, 0)\n{%- endmacro %}\n"
    ),
    "rates.sql": (
        "{% macro rate(n, d, rounded=true) -%}\n"
        "    {% if rounded %}round({{ safe_divide(n, d) }}, 4){% else %}{{ safe_divide(n, d) }}{% endif %}\n"
        "{%- endmacro %}\n"
    ),
}
MODELS = {
    # Clean, through both macros.
    "good.sql": "select\n    {{ rate('likes', 'reach') }} as like_rate\nfrom {{ 'posts' }}\n",
    # Violations in the SQL around the macros (capitalisation, a trailing space, an unqualified
    # star) and one inside a macro's output (the `AS` it is called beside).
    "bad.sql": (
        "SELECT\n    {{ rate('likes', 'reach', rounded=false) }} AS like_rate, \n    *\nfrom posts\n"
    ),
}


def config_for(root: Path, name: str) -> FluffConfig:
    (root / "macros").mkdir(exist_ok=True)
    for file, text in MACROS.items():
        (root / "macros" / file).write_text(text)
    (root / ".sqlfluff").write_text(
        f"[sqlfluff]\ndialect = postgres\ntemplater = {name}\n\n"
        f"[sqlfluff:templater:{name}]\nload_macros_from_path = macros\n"
    )
    return FluffConfig.from_path(str(root))


def findings(config: FluffConfig, paths: list[Path]) -> list[tuple]:
    result = Linter(config=config).lint_paths(tuple(str(p) for p in paths), processes=1)
    return sorted(
        (Path(record["filepath"]).name, v["code"], v["start_line_no"], v["start_line_pos"], v["description"])
        for record in result.as_records()
        for v in record["violations"]
    )


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """The sources jinja really compiled (cache misses), with the process's cache emptied."""
    monkeypatch.setattr(templater, "COMPILED", OrderedDict())
    compiled: list[str] = []
    original = SandboxedEnvironment.compile

    def counting(self, source, *args, **kwargs):
        compiled.append(source)
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(SandboxedEnvironment, "compile", counting)
    return compiled


def test_the_project_lints_with_the_compiled_templater():
    assert FluffConfig.from_path(str(PROJECT)).get_templater_class() is templater.CompiledJinjaTemplater


def test_it_reports_what_the_jinja_templater_reports(tmp_path, compiles):
    models = []
    for file, text in MODELS.items():
        (tmp_path / file).write_text(text)
        models.append(tmp_path / file)
    jinja = findings(config_for(tmp_path, "jinja"), models)
    compiled = findings(config_for(tmp_path, "jinja_compiled"), models)
    assert compiled == jinja
    assert {code for file, code, *_ in jinja if file == "bad.sql"} >= {"CP01", "LT01", "AM04"}
    assert not [f for f in jinja if f[0] == "good.sql"]


def test_each_macro_file_is_compiled_once_for_every_model(tmp_path, compiles):
    models = []
    for index in range(3):
        (tmp_path / f"model_{index}.sql").write_text(MODELS["good.sql"])
        models.append(tmp_path / f"model_{index}.sql")
    findings(config_for(tmp_path, "jinja_compiled"), models)
    for text in MACROS.values():
        assert compiles.count(text) == 1, "a macro file compiled again for another model"


def test_the_project_renders_alike_with_both(tmp_path):
    """Two of the project's models with the most macro calls (dbt's builtins, adapter.dispatch
    through the lint stand-ins): the same SQL from either templater."""
    settings = configparser.ConfigParser()
    settings.read(PROJECT / ".sqlfluff")
    jinja = {
        key: str(PROJECT / value) if key.endswith("_path") else value
        for key, value in settings["sqlfluff:templater:jinja_compiled"].items()
    }
    plain = tmp_path / "jinja.sqlfluff"
    plain.write_text(
        "[sqlfluff]\ntemplater = jinja\n\n[sqlfluff:templater:jinja]\n"
        + "".join(f"{key} = {value}\n" for key, value in jinja.items())
    )
    models = ["models/marts/fct_campaign_performance.sql", "models/marts/fct_kpi_alerts.sql"]
    rendered = {}
    for name, config in (
        ("jinja", FluffConfig.from_path(str(PROJECT), extra_config_path=str(plain))),
        ("jinja_compiled", FluffConfig.from_path(str(PROJECT))),
    ):
        assert config.get("templater") == name
        linter = Linter(config=config)
        rendered[name] = [
            [
                variant.templated_str
                for variant in linter.render_file(str(PROJECT / m), config).templated_variants
            ]
            for m in models
        ]
    assert rendered["jinja"] == rendered["jinja_compiled"]
    assert all(variants and "{{" not in variants[0] for variants in rendered["jinja"])
