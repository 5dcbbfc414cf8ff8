"""Database layer: models, engine/session factory, migrations runner and queries."""
