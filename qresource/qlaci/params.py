"""Parameters of one QLACI head, their validation, and the paper's prototype preset.

The register names and widths follow the QLACI paper, section 3.2.2: a query register of
``q_Q`` qubits, an index register of ``ceil(log2 N)`` qubits, a key/value register of ``q_KV``
qubits and an output register of ``q_out`` qubits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from qresource.core.errors import QResourceError
from qresource.core.integers import address_width
from qresource.loaders.table_loader import LOADER_KINDS

FEATURE_MAPS = ("loader", "multiplexed")
CONNECTIVITIES = ("linear", "all")
OBSERVABLE_SETS = ("z", "xyz", "all")
SHOT_METHODS = ("grouped", "shadows")

# The default error-budget split: shot noise is the only term whose cost grows as 1/eps^2,
# so it gets the largest share; synthesis and angle loading grow only as log(1/eps).
DEFAULT_SHOT_SHARE = 0.8


@dataclass(frozen=True)
class QlaciParams:
    """One QLACI head: widths, depth, precision and the compilation choices.

    ``eps`` is the additive error allowed on every estimated expectation value (one entry of a
    context vector c_i) and ``delta`` the probability that any entry of the whole head misses it.
    """

    n: int
    dq: int
    kv: int
    out: int
    layers: int = 1
    eps: float = 1e-2
    delta: float = 1e-2
    feature_map: str = "loader"
    loader: str = "qrom"
    connectivity: str = "linear"
    observables: str = "z"
    shot_method: str = "grouped"
    shot_share: float = DEFAULT_SHOT_SHARE
    angle_bits: int | None = None  # None: derived from the loading share of the error budget
    causal: bool = False  # query i attends keys 0..i only (the prefix form)
    query_position: int | None = None  # the causal query i of a single shot; None: the last, N - 1

    @property
    def index_bits(self) -> int:
        """ceil(log2 N) index qubits (section 3.2.2)."""
        return address_width(self.n)

    @property
    def query_index(self) -> int:
        """The causal query i of a single shot (N - 1 unless given)."""
        return self.n - 1 if self.query_position is None else self.query_position

    @property
    def attended_keys(self) -> int:
        """How many keys the shot's query averages over: i + 1 causal, N otherwise."""
        return self.query_index + 1 if self.causal else self.n

    @property
    def is_power_of_two(self) -> bool:
        return self.n & (self.n - 1) == 0

    def validated(self) -> "QlaciParams":
        """Return ``self`` or raise a one-line ``QResourceError`` naming the bad value."""
        for name in ("n", "dq", "kv", "out", "layers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise QResourceError(f"qlaci: --{name} must be an integer, got {value!r}")
        if self.n < 2:
            raise QResourceError(f"qlaci: --n must be at least 2 (sequence length), got {self.n}")
        if not self.is_power_of_two:
            raise QResourceError(
                f"qlaci: --n must be a power of two so that H on ceil(log2 N) qubits is the "
                f"uniform superposition over N positions, got {self.n}"
            )
        for name in ("dq", "kv", "out"):
            if getattr(self, name) < 1:
                raise QResourceError(f"qlaci: --{name} must be at least 1 qubit, got {getattr(self, name)}")
        if self.query_position is not None:
            if not self.causal:
                raise QResourceError("qlaci: --query-position needs --causal")
            if isinstance(self.query_position, bool) or not isinstance(self.query_position, int) \
                    or not 0 <= self.query_position <= self.n - 1:
                raise QResourceError(
                    f"qlaci: --query-position must be an integer in [0, N - 1] = [0, {self.n - 1}], "
                    f"got {self.query_position!r}")
        if not 0 <= self.layers <= MAX_LAYERS:
            raise QResourceError(f"qlaci: --layers must lie in [0, {MAX_LAYERS:,}], got {self.layers:,}")
        for name in ("eps", "delta", "shot_share"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and 0.0 < value < 1.0):
                raise QResourceError(f"qlaci: --{name.replace('_', '-')} must lie strictly between 0 and 1, got {value}")
        if self.feature_map not in FEATURE_MAPS:
            raise QResourceError(f"qlaci: --feature-map must be one of {', '.join(FEATURE_MAPS)}, got {self.feature_map!r}")
        if self.connectivity not in CONNECTIVITIES:
            raise QResourceError(f"qlaci: connectivity must be one of {', '.join(CONNECTIVITIES)}, got {self.connectivity!r}")
        if self.observables not in OBSERVABLE_SETS:
            raise QResourceError(f"qlaci: --observables must be one of {', '.join(OBSERVABLE_SETS)}, got {self.observables!r}")
        if self.shot_method not in SHOT_METHODS:
            raise QResourceError(f"qlaci: --shot-method must be one of {', '.join(SHOT_METHODS)}, got {self.shot_method!r}")
        if self.angle_bits is not None and not (isinstance(self.angle_bits, int) and 3 <= self.angle_bits <= 64):
            raise QResourceError(f"qlaci: --angle-bits must be an integer in [3, 64], got {self.angle_bits!r}")
        if self.feature_map == "loader":

            if self.loader not in LOADER_KINDS:
                raise QResourceError(f"qlaci: --loader must be one of {', '.join(LOADER_KINDS)}, got {self.loader!r}")
        if self.observables == "all" and self.out > 20:
            raise QResourceError(f"qlaci: --observables all on {self.out} output qubits means 4^{self.out} - 1 observables; use z or xyz")
        return self

    def with_(self, **changes) -> "QlaciParams":
        return replace(self, **changes)


# Section 4.5 of the QLACI paper: 11 qubits = 4 query + 4 index (N = 16) + 3 ancilla/readout.
# That much is the paper's. Ours: the split of the three ancilla/readout qubits into 2 key/value
# qubits (the ancillas the feature map acts on) and 1 readout qubit, one interaction and one score
# layer, linear connectivity, eps = delta = 1e-2, and the multiplexed feature map, the one
# compilation that needs no qubit beyond the 11 (the loader feature map needs 89 more).
#: The most variational layers counted: each layer's rotations are counted and synthesised one by
#: one (a shot at 1,000 layers takes seconds), and the paper's prototype has one.
MAX_LAYERS = 1024

PROTOTYPE = QlaciParams(n=16, dq=4, kv=2, out=1, layers=1, feature_map="multiplexed")

PRESETS = {"prototype": PROTOTYPE}
