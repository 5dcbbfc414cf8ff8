"""The guided checklist: its dialogue, its scoring rules and how a result reads."""
