"""`qresource profile` speed: all 72 heads of all-MiniLM-L6-v2 at n = 512 over 4 windows of the
bundled text, both logit conventions, against the anchor of 30 s on 2 cores.

Reports the wall time (what a user waits) and the process CPU time (what the work costs; on a
machine shared with other jobs, wall time is longer than the work), split into loading the
weights, the forward pass and the statistics, and prints each against the anchor as a ratio
(below 1: within it).

    python benchmarks/profile_speed.py
"""

from __future__ import annotations

import os
import time

from qresource.profile import api
from qresource.profile.model import attention_logits, load_encoder
from qresource.profile.statistics import Convention, row_sparsity, summarise

ANCHOR_S = 30.0
N, WINDOWS = 512, 4


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def main() -> None:
    wall0, cpu0 = clocks()
    encoder = load_encoder()
    text, label = api.read_text(None)
    wall1, cpu1 = clocks()
    cls, sep = encoder.special_ids()
    windows = api.token_windows(encoder.token_ids(text), N, WINDOWS, cls, sep, encoder.positions)
    forward_wall = forward_cpu = stats_wall = stats_cpu = 0.0
    heads = 0
    layers = attention_logits(encoder, windows)
    while True:
        a_wall, a_cpu = clocks()
        logits = next(layers, None)
        b_wall, b_cpu = clocks()
        forward_wall, forward_cpu = forward_wall + b_wall - a_wall, forward_cpu + b_cpu - a_cpu
        if logits is None:
            break
        for head in range(encoder.heads):
            for convention in Convention:
                summarise(row_sparsity(logits[:, head], api.default_tau(N), convention))
            heads += 1
        c_wall, c_cpu = clocks()
        stats_wall, stats_cpu = stats_wall + c_wall - b_wall, stats_cpu + c_cpu - b_cpu
    wall2, cpu2 = clocks()
    total_wall, total_cpu = wall2 - wall0, cpu2 - cpu0
    print(f"{heads} heads, n = {N}, {WINDOWS} windows, both conventions ({os.cpu_count()} cores visible)")
    print(f"  load weights + tokenizer: {wall1 - wall0:6.2f} s wall, {cpu1 - cpu0:6.2f} s cpu")
    print(f"  forward pass (numpy):     {forward_wall:6.2f} s wall, {forward_cpu:6.2f} s cpu")
    print(f"  statistics:               {stats_wall:6.2f} s wall, {stats_cpu:6.2f} s cpu")
    print(f"  total:                    {total_wall:6.2f} s wall, {total_cpu:6.2f} s cpu")
    print(f"anchor {ANCHOR_S:g} s on 2 cores: wall / anchor = {total_wall / ANCHOR_S:.2f}, "
          f"cpu / (2 x anchor) = {total_cpu / (2 * ANCHOR_S):.2f}")
    # the same through the API the CLI calls (one profile, as `qresource profile --n 512 --windows 4`)
    start = time.perf_counter()
    api.profile_model(encoder, text, label, [N], windows=WINDOWS)
    api_wall = time.perf_counter() - start
    print(f"profile_model (weights loaded): {api_wall:.2f} s wall; wall / anchor = {api_wall / ANCHOR_S:.2f}")


if __name__ == "__main__":
    main()
