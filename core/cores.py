"""How many CPU cores this process may use: what thread pools and worker counts are sized by.

Why one function: `os.cpu_count()` counts the machine's cores, while a container or `taskset`
may give the process fewer (its affinity mask); sizing pools by the machine's count
oversubscribes exactly where cores are scarce. Python 3.13's `os.process_cpu_count` does this;
the project supports 3.11.
"""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores in this process's affinity mask (the machine's count where there is none)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity masks (macOS, Windows)
        return os.cpu_count() or 1
