"""Test helpers that are not fixtures (fixtures live in the conftest.py of the folder that needs
them). Imported as `tests.helpers.<module>`: the repo root is on sys.path and pytest imports test
files with --import-mode=importlib, so a test folder named like a package never shadows it."""

from pathlib import Path

#: The repository root (the working directory of the subprocesses tests start).
REPO = Path(__file__).resolve().parents[2]
