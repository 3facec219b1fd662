"""Point the package's sources at a simulator, the way a task finds them: in the environment."""

from __future__ import annotations

import pytest


def connect_to_simulator(patch: pytest.MonkeyPatch, simulator_url: str, sources=None) -> None:
    """Set the `AIRFLOW_CONN_*` variable of every connection the sources read with (those of the
    current configuration unless given) to the simulator; the patch undoes it."""
    from socialkpi.config import load_config
    from socialkpi.connections import simulator_connections

    for variable, value in simulator_connections(simulator_url, sources or load_config().sources).items():
        patch.setenv(variable, value)
