"""docker-compose.yml: valid Compose, and the promises docs/docker.md makes about the stack.

Nothing is started (no Docker engine is needed): the file is checked against the Compose Spec,
against .env.example and the repository, and its Airflow settings and commands against the
Airflow that requirements.lock installs.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"

WORKER = "airflow-worker"
PROJECT_MOUNTS = {
    "./dags": "/opt/airflow/dags",
    "./plugins": "/opt/airflow/plugins",
    "./dbt_project": "/opt/airflow/dbt_project",
    "./expectations": "/opt/airflow/expectations",
    "./socialkpi.yml": "/opt/airflow/socialkpi.yml",
}

# Compose interpolation: "$$" is a literal "$"; "${NAME<modifier>}" and "$NAME" read a variable.
INTERPOLATION = re.compile(
    r"\$\$|\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<modifier>[^}]*)\}|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|FERNET|AUTH$|^AIRFLOW_CONN_")
SECRET_OPTION = re.compile(r"^--?\w*(pass|secret|token)", re.IGNORECASE)
URL_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/@:\s]*:(?P<password>[^@]*)@")
AIRFLOW_SETTING = re.compile(r"^AIRFLOW__(?P<section>[A-Z0-9_]+?)__(?P<key>[A-Z0-9_]+)$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict) -> dict[str, dict]:
    return compose["services"]


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    listed = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep, f".env.example: not NAME=value: {line!r}"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        listed[name.strip()] = value
    return listed


def strings(node):
    """Every string in a parsed YAML document, keys included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def interpolations(text: str):
    """(name, modifier) of each variable Compose substitutes in text."""
    for match in INTERPOLATION.finditer(text):
        if match["braced"]:
            yield match["braced"], match["modifier"]
        elif match["bare"]:
            yield match["bare"], ""


def is_interpolation_only(text: str) -> bool:
    match = INTERPOLATION.fullmatch(text)
    return bool(match and (match["braced"] or match["bare"]))


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {name: "" if value is None else str(value) for name, value in env.items()}


def bind_mounts(service: dict) -> dict[str, str]:
    """source -> target of the service's bind mounts (named volumes left out)."""
    mounts = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                mounts[volume["source"]] = volume["target"]
            continue
        source, _, rest = volume.partition(":")
        if source.startswith((".", "/", "~")):
            mounts[source] = rest.partition(":")[0]
    return mounts


def one_shot(services: dict[str, dict]) -> set[str]:
    """Services others wait to *complete*: everything else runs for good."""
    return {
        name
        for service in services.values()
        for name, dependency in (service.get("depends_on") or {}).items()
        if isinstance(dependency, dict) and dependency.get("condition") == "service_completed_successfully"
    }


def shell_lines(service: dict):
    """Lines of the shell scripts a service runs: its command and its healthcheck."""
    command = service.get("command")
    if isinstance(command, list) and command[:2] == ["bash", "-c"]:
        yield from command[2].splitlines()
    test = (service.get("healthcheck") or {}).get("test")
    if isinstance(test, list) and test and test[0] == "CMD-SHELL":
        yield from test[1:]


def airflow_commands(services: dict[str, dict]) -> list[list[str]]:
    """Arguments of every `airflow ...` the stack runs (commands, init script, healthchecks)."""
    found = []
    for service in services.values():
        command = service.get("command")
        if isinstance(command, list) and command and command[0] == "airflow":
            found.append(command[1:])
        for line in shell_lines(service):
            words = shlex.split(line, comments=True)
            if words and words[0] == "airflow":
                found.append(words[1:])
    return found


def test_compose_file_follows_the_compose_spec():
    assert CHECK_JSONSCHEMA.exists(), f"check-jsonschema is not installed next to {sys.executable}"
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_long_running_service_has_a_healthcheck(services):
    short_lived = one_shot(services)
    assert short_lived == {"airflow-init"}
    assert services["airflow-init"].get("restart") == "no", "a one-shot service must not be restarted"
    for name, service in services.items():
        if name in short_lived:
            continue
        healthcheck = service.get("healthcheck") or {}
        assert healthcheck.get("test") and not healthcheck.get("disable"), f"{name} has no healthcheck"


def test_services_wait_for_healthy_or_completed_dependencies(services):
    for name, service in services.items():
        depends_on = service.get("depends_on") or {}
        assert isinstance(depends_on, dict), f"{name}: depends_on without conditions starts too early"
        for dependency, spec in depends_on.items():
            assert dependency in services, f"{name} depends on an unknown service {dependency}"
            condition = spec.get("condition")
            assert condition in {"service_healthy", "service_completed_successfully"}, (name, dependency)
            if condition == "service_healthy":
                assert services[dependency].get("healthcheck"), f"{dependency} can never become healthy"


def test_workers_can_be_scaled(services):
    worker = services[WORKER]
    assert "container_name" not in worker, "a fixed container name allows one worker only"
    assert not worker.get("ports"), "a published host port allows one worker only"
    assert worker["command"] == ["airflow", "celery", "worker"]
    assert environment(worker)["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"


def test_every_variable_used_is_listed_in_env_example(compose, env_example):
    used = {name for text in strings(compose) for name, _ in interpolations(text)}
    assert sorted(used - env_example.keys()) == []


def test_env_example_lists_only_variables_the_stack_uses(compose, env_example):
    used = {name for text in strings(compose) for name, _ in interpolations(text)}
    assert sorted(env_example.keys() - used) == []


def test_env_example_leaves_required_values_empty_and_matches_defaults(compose, env_example):
    # Empty, so a .env copied unfilled stops `docker compose` (":?" rejects empty) and so no
    # secret is ever committed here.
    for text in strings(compose):
        for name, modifier in interpolations(text):
            if modifier.startswith((":?", "?")):
                assert env_example[name] == "", f"{name} is required: leave it empty in .env.example"
            elif modifier.startswith((":-", "-")):
                default = modifier.split("-", 1)[1]
                assert env_example[name] == default, f"{name}: .env.example and the compose default differ"


def test_no_secret_is_written_into_the_compose_file(compose, services):
    for name, service in services.items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key) and not key.endswith("_FILE"):
                assert is_interpolation_only(value), f"{name}: {key} must come from the environment"
        command = service.get("command")
        if isinstance(command, list):
            for option, argument in itertools.pairwise(command):
                if SECRET_OPTION.match(option):
                    assert is_interpolation_only(argument), f"{name}: {option} must come from the environment"
    for text in strings(compose):
        placeholder = INTERPOLATION.sub(lambda m: "" if m[0] == "$$" else "<var>", text)
        for match in URL_PASSWORD.finditer(placeholder):
            assert match["password"] == "<var>", f"password written into a URL: {text}"


def test_project_folders_are_mounted_into_every_airflow_component(services):
    components = [
        name
        for name, service in services.items()
        if name not in one_shot(services) and (service.get("command") or [None])[0] == "airflow"
    ]
    assert set(components) >= {
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        WORKER,
    }
    for name in components:
        mounts = bind_mounts(services[name])
        for source, target in PROJECT_MOUNTS.items():
            assert mounts.get(source) == target, f"{name} does not mount {source} at {target}"


def test_bind_mount_sources_exist_in_the_repository(services):
    # Docker creates a missing source as an empty directory, which hides the mistake until a
    # service reads it.
    problems = []
    for source in sorted({src for service in services.values() for src in bind_mounts(service)}):
        path = REPO / source
        if not path.exists():
            problems.append(f"{source} is missing")
        elif path.is_file() != source.endswith((".yml", ".yaml")):
            problems.append(f"{source} is a {'file' if path.is_file() else 'directory'}")
    assert problems == []


AIRFLOW_PROBE = r"""
import importlib.util, json, os, sys

wanted = json.load(sys.stdin)
celery = importlib.util.find_spec("airflow.providers.celery") is not None
if celery:
    # The celery command group exists only under CeleryExecutor.
    os.environ["AIRFLOW__CORE__EXECUTOR"] = "CeleryExecutor"

from airflow.cli.cli_parser import get_parser
from airflow.configuration import conf
from airflow.providers_manager import ProvidersManager

ProvidersManager().initialize_providers_configuration()
known = conf.configuration_description
unknown, bad, unchecked = [], [], []
for section, key in wanted["options"]:
    if section == "celery" and not celery:
        unchecked.append(f"[{section}] {key}")
    elif key not in known.get(section, {}).get("options", {}):
        unknown.append(f"[{section}] {key}")
parser = get_parser()
for args in wanted["commands"]:
    if args[0] == "celery" and not celery:
        unchecked.append(" ".join(args))
        continue
    try:
        parser.parse_args(args)
    except SystemExit:
        bad.append(" ".join(args))
print(json.dumps({"unknown": unknown, "bad": bad, "unchecked": unchecked}))
"""


def test_airflow_settings_and_commands_exist_in_the_locked_airflow(services, tmp_path):
    pytest.importorskip("airflow", reason="Airflow from requirements.lock is not installed")
    options = sorted(
        {
            (match["section"].lower(), match["key"].lower())
            for service in services.values()
            for key in environment(service)
            if (match := AIRFLOW_SETTING.match(key))
        }
    )
    commands = airflow_commands(services)
    assert ["api-server"] in commands and ["dag-processor"] in commands
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW__", "AIRFLOW_CONN_"))}
    env["AIRFLOW_HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", AIRFLOW_PROBE],
        input=json.dumps({"options": options, "commands": commands}),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["unknown"] == [], "settings this Airflow does not know"
    assert report["bad"] == [], "commands this Airflow's CLI rejects"


def test_published_ports_are_bound_to_loopback_except_the_configurable_warehouse(services):
    for name, service in services.items():
        for port in service.get("ports") or []:
            text = port if isinstance(port, str) else f"{port.get('host_ip', '')}:{port.get('published')}"
            if name == "warehouse":
                assert text.startswith("${SOCIALKPI_WAREHOUSE_HOST_IP:-127.0.0.1}:"), text
            elif name == "metabase":
                assert text.startswith("${METABASE_HOST_IP:-127.0.0.1}:"), text
            else:
                assert text.startswith("127.0.0.1:"), f"{name} publishes {text} on every interface"


def test_the_pipeline_connects_as_the_owner_role_not_the_superuser(services):
    warehouse = environment(services["warehouse"])
    pipeline_url = environment(services[WORKER])["SOCIALKPI_WAREHOUSE_URL"]
    pipeline_user = pipeline_url.split("://", 1)[1].split("}:", 1)[0] + "}"
    assert warehouse["POSTGRES_USER"] == "postgres"
    assert pipeline_user == "${SOCIALKPI_WAREHOUSE_USER:-socialkpi}" == warehouse["SOCIALKPI_WAREHOUSE_USER"]
    assert warehouse["POSTGRES_PASSWORD"] != warehouse["SOCIALKPI_WAREHOUSE_PASSWORD"]
    init_dir = next(
        source
        for source, target in bind_mounts(services["warehouse"]).items()
        if target == "/docker-entrypoint-initdb.d"
    )
    script = "\n".join(path.read_text() for path in sorted((REPO / init_dir).glob("*.sh")))
    for statement in (
        'create role :"owner" login nosuperuser nocreatedb nocreaterole',
        'revoke all on database :"database" from public',
        "revoke all on schema public from public",
        'grant connect on database :"database" to bi_reader',
    ):
        assert statement in script, statement


def test_metabase_reads_the_marts_as_bi_reader_only(services):
    """Metabase is BI on the marts: it gets no warehouse credentials from the stack (an admin adds
    the warehouse as bi_reader in its UI, docs/docker.md), waits for the warehouse, persists its
    own settings, and is reachable on loopback unless configured otherwise."""
    metabase = services["metabase"]
    image = metabase["image"]
    assert re.fullmatch(r"metabase/metabase:v\d+\.\d+\.\d+", image), f"pin a Metabase release, not {image}"
    env = environment(metabase)
    assert not any("SOCIALKPI_WAREHOUSE" in value for value in env.values()), "the owner's URL or password"
    assert not any(name.startswith(("SOCIALKPI_", "AIRFLOW_")) for name in env)
    assert is_interpolation_only(env["MB_ENCRYPTION_SECRET_KEY"]), (
        "the stored bi_reader password is encrypted"
    )
    assert metabase["depends_on"] == {"warehouse": {"condition": "service_healthy"}}
    named = [v.partition(":")[0] for v in metabase["volumes"] if not v.startswith((".", "/"))]
    assert env["MB_DB_FILE"].startswith("/metabase-data/") and named == ["metabase-data"]
    (port,) = metabase["ports"]
    assert port.startswith("${METABASE_HOST_IP:-127.0.0.1}:") and port.endswith(":3000")
    assert "/api/health" in " ".join(metabase["healthcheck"]["test"])


def test_docs_tell_how_metabase_connects_as_bi_reader():
    docs = (REPO / "docs" / "docker.md").read_text()
    section = docs.split("## Metabase", 1)[1].split("\n## ", 1)[0]
    for words in ("bi_reader", "host `warehouse`", "marts", "METABASE_ENCRYPTION_SECRET_KEY"):
        assert words in section, f"docs/docker.md `## Metabase` does not mention {words}"
