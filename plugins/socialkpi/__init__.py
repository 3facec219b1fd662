"""socialkpi: social media KPIs from platform APIs to validated marts."""

__version__ = "0.1.0"
