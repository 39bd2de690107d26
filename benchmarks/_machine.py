"""What every benchmark script says about the machine it ran on, and the BLAS thread variables it pins."""

from __future__ import annotations

import os
import platform

# Set to 1 in benchmark processes: one BLAS/OpenMP thread each, so that process counts mean cores.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """One line: CPU model, logical CPUs, Python version, OS."""
    return f"{cpu_model()}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, {platform.system()}"
