"""`crmarena serve --workers`: validated before anything starts."""

from __future__ import annotations

import subprocess
import sys


def _serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmarena_cli", "serve", *args],
                          capture_output=True, text=True, timeout=60)


def test_workers_must_be_positive():
    done = _serve("--workers", "0", "--port", "1")
    assert done.returncode == 2
    assert "--workers: must be at least 1, not 0" in done.stderr


def test_help_names_the_default():
    done = _serve("--help")
    assert done.returncode == 0 and "half the CPU cores" in " ".join(done.stdout.split())
