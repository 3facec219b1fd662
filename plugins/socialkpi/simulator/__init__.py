"""A local stand-in for every source API, in the platforms' real wire shapes.

Extractors run the same code against it as against the real APIs; only the base URL
differs. See STATUS.md for the served paths and the fault catalogue.
"""

from socialkpi.simulator.faults import Faults
from socialkpi.simulator.server import SimulatorServer, serve

__all__ = ["Faults", "SimulatorServer", "serve"]
