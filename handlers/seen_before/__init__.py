"""Seen before: recruiters' identifiers from earlier risky checks and reports, and the task
force's /calo."""
