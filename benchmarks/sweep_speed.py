"""Sweep engine speed: a 10-point and a 10,000-point sweep of the same sources.

The sources are the data loaders' closed forms (compiled once, evaluated exactly over object
arrays) and naive attention's exact flop count (one call per distinct (n, d, hardware): it
does not read k, so 10,000 points share 500 evaluations). Both sweeps run after one
warm-up sweep, so the one-time compilation of the closed forms is reported separately. The
target is a ratio of a few, not 1,000: per-point work must be vectorised or shared.

    python benchmarks/sweep_speed.py
"""

from __future__ import annotations

import time

from qresource.classical.costs import naive_attention_counts
from qresource.classical.hardware import get_hardware
from qresource.report.sources import loader_sources
from qresource.machinery.sweep import PointSource, sweep


def classical_source() -> PointSource:
    return PointSource(
        "classical",
        "flops at peak rate",
        ("n", "d", "hardware"),
        lambda n, d, hardware: {
            "naive_flops": (flops := naive_attention_counts(n, d).flops()),
            "naive_s": flops / get_hardware(hardware).peak_flops_per_s,
        },
    )


def grid(points: int) -> dict:
    """``points`` grid points over n, bits, loader, k, d and hardware (n varies fastest in count)."""
    loaders = ["bucket-brigade", "qrom", "qroam"]
    if points == 10:
        return {"n": [2**e for e in range(10, 20)], "bits": [8], "loader": ["qrom"], "k": [8], "d": [64], "hardware": ["h100-sxm"]}
    if points == 10_000:
        # 250 n x 2 bits x (2 of 3 loaders -> use 2) x 5 k x 2 d x 1 hardware = 10,000
        return {"n": [2**10 + 3 * i for i in range(250)], "bits": [8, 32], "loader": loaders[:2], "k": [8, 16, 32, 64, 128], "d": [64, 128], "hardware": ["h100-sxm"]}
    raise ValueError(points)


def timed(points: int, sources) -> tuple[float, int]:
    start = time.perf_counter()
    frame = sweep(grid(points), sources)
    return time.perf_counter() - start, len(frame)


def main() -> None:
    start = time.perf_counter()
    sources = loader_sources() + [classical_source()]
    sweep(grid(10), sources)  # compiles every closed form once
    setup = time.perf_counter() - start
    small, small_rows = timed(10, sources)
    large, large_rows = timed(10_000, sources)
    print(f"setup (import, compile closed forms): {setup:.3f} s")
    print(f"10-point sweep:     {small:.4f} s ({small_rows} rows)")
    print(f"10,000-point sweep: {large:.4f} s ({large_rows} rows)")
    print(f"ratio 10,000 / 10:  {large / small:.1f} (points ratio 1000)")


if __name__ == "__main__":
    main()
