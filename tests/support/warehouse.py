"""Resetting the session's warehouse between test modules that load their own data."""

from __future__ import annotations

from socialkpi.warehouse import empty_warehouse

__all__ = ["empty_warehouse"]
