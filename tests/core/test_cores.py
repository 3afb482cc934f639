"""core.cores: pools are sized by the cores a process may use, not the machine's count."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from core.cores import usable_cores

pytestmark = pytest.mark.skipif(not hasattr(os, "sched_setaffinity"),
                                reason="no CPU affinity masks on this platform")


def test_usable_cores_is_the_affinity_mask() -> None:
    assert usable_cores() == len(os.sched_getaffinity(0))


def test_a_process_pinned_to_one_core_sizes_its_pools_by_one() -> None:
    """As under `taskset -c 0` or a container's cpuset: one core usable, however many the
    machine has, so one prewarm worker, one episode process and two episode threads."""
    one = min(os.sched_getaffinity(0))
    code = ("from core.cores import usable_cores; from env.workers import default_workers; "
            "import env.episode as e; "
            "print(usable_cores(), default_workers(), e._WORKERS._max_workers)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120, cwd=os.getcwd(),
                         preexec_fn=lambda: os.sched_setaffinity(0, {one}))
    assert out.stdout.split() == ["1", "1", "2"], out.stderr
