"""Maillage: who talks to whom in French local public action."""

__version__ = "0.1.0"
