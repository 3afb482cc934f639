"""Schema data files (YAML) for the B2B and B2C orgs; models and loading live in
sandbox_db.schema."""

from pathlib import Path

SCHEMA_DIR = Path(__file__).parent
