"""Classical hardware presets: peak arithmetic rates with their sources (docs/classical.md,
"Hardware presets").  Seconds are ``flops / (peak_flops_per_s * utilisation)``; the default
utilisation 1.0 means the peak rate, a lower bound on real time.

``this-machine`` is measured on demand with a float64 numpy matrix product and is never used
unless asked for, so that default outputs stay byte-for-byte deterministic.
"""

from __future__ import annotations

import functools
import time
from dataclasses import asdict, dataclass

from qresource.core.errors import QResourceError


@dataclass(frozen=True)
class Hardware:
    name: str
    description: str
    peak_flops_per_s: float
    precision: str
    source: str
    measured: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


_EPYC_CORES = 96  # per socket, AMD EPYC 9654
_EPYC_BASE_HZ = 2.4e9  # base clock; max boost 3.7 GHz
_ZEN4_FP64_PER_CYCLE = 16  # 2 FMA pipes x 256 bits / 64 bits x 2 flops per FMA
_EPYC_SOURCE = (
    "AMD EPYC 9654 product specifications (96 cores, 2.4 GHz base, 3.7 GHz max boost); "
    "AMD Software Optimization Guide for the Zen 4 microarchitecture (pub. 57647): two 256-bit "
    "FMA pipes per core (512-bit AVX-512 ops are split in two), i.e. 16 FP64 or 32 FP32 flops "
    "per cycle; rate = 2 sockets x 96 cores x 2.4e9 Hz x flops per cycle"
)

PRESETS: dict[str, Hardware] = {
    "h100-sxm": Hardware(
        "h100-sxm",
        "NVIDIA H100 SXM5, dense BF16/FP16 tensor-core peak",
        989.4e12,
        "bf16/fp16 inputs, fp32 accumulate",
        "NVIDIA H100 Tensor Core GPU datasheet: BF16/FP16 Tensor Core 1,979 TFLOPS for SXM is "
        "quoted with 2:4 structured sparsity; the dense rate is half, 989.4 TFLOPS "
        "(132 SMs x 4096 flops/clock x 1.83 GHz).  Exponentials run on the special function "
        "units, not the tensor cores: 3.9 TFLOPS on H100 SXM5 (Shah et al. 2024, "
        "FlashAttention-3, arXiv:2407.08608) -- see exp_flops",
    ),
    "h100-pcie": Hardware(
        "h100-pcie",
        "NVIDIA H100 PCIe, dense BF16/FP16 tensor-core peak",
        756.5e12,
        "bf16/fp16 inputs, fp32 accumulate",
        "NVIDIA H100 Tensor Core GPU datasheet: BF16/FP16 Tensor Core 1,513 TFLOPS for PCIe "
        "with 2:4 sparsity; the dense rate is half, 756.5 TFLOPS",
    ),
    "epyc-9654-2s-fp64": Hardware(
        "epyc-9654-2s-fp64",
        "two AMD EPYC 9654 (Zen 4, 2 x 96 cores), FP64 vector peak at base clock",
        2 * _EPYC_CORES * _EPYC_BASE_HZ * _ZEN4_FP64_PER_CYCLE,
        "fp64",
        _EPYC_SOURCE,
    ),
    "epyc-9654-2s-fp32": Hardware(
        "epyc-9654-2s-fp32",
        "two AMD EPYC 9654 (Zen 4, 2 x 96 cores), FP32 vector peak at base clock",
        2 * _EPYC_CORES * _EPYC_BASE_HZ * _ZEN4_FP64_PER_CYCLE * 2,
        "fp32",
        _EPYC_SOURCE,
    ),
}

THIS_MACHINE = "this-machine"
DEFAULT_HARDWARE = "h100-sxm"


def hardware_names() -> list[str]:
    return [*PRESETS, THIS_MACHINE]


def get_hardware(name: str) -> Hardware:
    """A preset by name, or ``this-machine`` (measured now, once per process)."""
    if name == THIS_MACHINE:
        return measure_this_machine()
    try:
        return PRESETS[name]
    except KeyError:
        raise QResourceError(
            f"unknown hardware {name!r}; choose one of {', '.join(hardware_names())}"
        ) from None


@functools.lru_cache(maxsize=1)
def measure_this_machine(size: int = 2048, repeats: int = 3) -> Hardware:
    """Best of ``repeats`` float64 ``size x size`` numpy matrix products, counted as
    ``size^2 (2 size - 1)`` flops (``size`` multiplications and ``size - 1`` additions per entry)."""
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size))
    b = rng.standard_normal((size, size))
    a @ b  # warm-up (thread pool start, page faults)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    flops = size * size * (2 * size - 1)
    return Hardware(
        THIS_MACHINE,
        f"this machine, float64 numpy matmul {size}x{size}, best of {repeats}: {best:.4g} s",
        flops / best,
        "fp64",
        "measured now by numpy (BLAS: whatever numpy is linked against)",
        measured=True,
    )
