"""This process's memory, as tests that bound or report it read it (Linux /proc)."""

from __future__ import annotations

from pathlib import Path


def rss_mb(field: str = "VmRSS") -> float:
    """/proc/self/status `field` (VmRSS now, VmHWM the peak) in MB; 0.0 where unavailable."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return 0.0
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0
