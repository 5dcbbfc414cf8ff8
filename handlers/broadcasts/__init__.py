"""Awareness broadcasts: subscriptions, the coordinators' dialogue, scheduling, sending and the report."""
