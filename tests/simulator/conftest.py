"""A started simulator per test module, driven over real HTTP with ``requests``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from socialkpi.simulator import SimulatorServer

from .support import AUTH, TODAY, start


@pytest.fixture(scope="module")
def server() -> Iterator[SimulatorServer]:
    simulator = start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="module")
def next_day_server() -> Iterator[SimulatorServer]:
    """The same world one day later: yesterday's lifetime counters moved on by one day."""
    simulator = start(TODAY + timedelta(days=1))
    yield simulator
    simulator.stop()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    session.headers.update(AUTH)
    yield session
    session.close()
