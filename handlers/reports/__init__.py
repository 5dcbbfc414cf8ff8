"""Reporting a missing or at-risk migrant: the dialogue and the report form."""
