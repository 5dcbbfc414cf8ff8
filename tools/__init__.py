"""Maintenance scripts run from the repository (python -m tools.<name>)."""
