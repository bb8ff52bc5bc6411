"""One interface over the three ways of loading word j of a classical table into a register.

``make_loader(kind, n, bits, data=None)`` returns a bloq with registers ``address``
(ceil(log2 n) qubits, big-endian) and ``target`` (``bits`` qubits) that XORs ``data[address]``
into ``target`` and returns every other qubit to |0>:

* ``"fanout"``: :class:`qresource.loaders.fanout.FanOutQRAM`, the fan-out router tree,
  N - 2 ANDs (padded to a power of two), 2 N + b N / 2 qubits, depth O(log N + b) (``lanes``
  trades depth for qubits);
* ``"bucket-brigade"``: :class:`qresource.loaders.bucket_brigade.BucketBrigadeQRAM`, the routing
  bucket brigade, N - n - 1 + b (N/2 - 1) ANDs, 3 N / 2 + b - 2 qubits, depth O(b log N);
* ``"qrom"``: Qualtran's ``QROM`` (unary iteration; Babbush et al., PRX 8, 041015 (2018)),
  N - 2 ANDs, 2 ceil(log2 N) - 1 + b qubits, depth O(N);
* ``"qroam"``: :class:`qresource.loaders.qroam_unload.QROAMLoad` (Low, Kliuchnikov, Schaeffer,
  arXiv:1812.00954; Berry et al., Quantum 3, 208 (2019), appendices B-C): Qualtran's
  ``QROAMClean`` (a QROM over ceil(N / K) blocks of K words and a swap network) into a scratch
  register, a CNOT copy, and the scratch unloaded by measurement; its adjoint (the unload of the
  target) is :class:`~qresource.loaders.qroam_unload.QROAMMeasurementUnload`, about
  ceil(N / K') + K' Toffolis.

:class:`TableLoader` renames Qualtran's QROM registers (``selection`` -> ``address``,
``target0_`` -> ``target``) so that callers name one interface.
``cheapest_loader(n, bits, metric)`` picks the kind that minimises Toffolis, qubits, depth or
space-time volume (qubits x depth).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Optional

import numpy as np
import sympy
from attrs import field, frozen
from qualtran import Bloq, BloqBuilder, BloqDocSpec, BQUInt, QUInt, Register, Signature, SoquetT
from qualtran.symbolics import SymbolicInt, is_symbolic

from qresource.core.errors import InvalidParameterError
from qresource.loaders import closed_forms as closed_forms_loaders
from qresource.loaders.bucket_brigade import BucketBrigadeQRAM
from qresource.loaders.closed_forms import loader_counts, qroam_log_block_size
from qresource.loaders.fanout import FanOutQRAM, address_bits, reject_symbolic_sizes
from qresource.loaders.kinds import LOADER_KINDS, LoaderKind
from qresource.loaders.qroam_unload import QROAMLoad, QROAMMeasurementUnload
from qresource.loaders.table_words import data_tuple, loaded_word
from qresource.machinery.examples import bloq_example_of

if TYPE_CHECKING:
    from qualtran.resource_counting import BloqCountDictT, CostKey, SympySymbolAllocator
    from qualtran.simulation.classical_sim import ClassicalValT

CHEAPEST_METRICS = ("toffoli", "qubits", "depth", "spacetime")



@frozen
class TableLoader(Bloq):
    """Qualtran's ``QROM``, or the QROAM load unloaded by measurement, with registers
    ``address``/``target``.

    Args:
        kind: ``"qrom"`` or ``"qroam"``.
        n_words: N >= 2 words; bits: b >= 1 bits per word. Either may be a sympy symbol (data
            None; for ``"qroam"`` give ``log_block_size``, which may be a symbol too): the call
            graph is then the closed form (docs/architecture.md, "Symbolic sizes").
        data: the words, or None to count the shape only (Qualtran then counts every bit as 1).
        log_block_size: QROAM only: k with K = 2^k words per block of the load; None picks
            :func:`qroam_log_block_size`. The unloads take their own block size
            (:func:`~qresource.loaders.qroam_unload.unload_log_block_size`).
    """

    kind: LoaderKind = field(converter=LoaderKind.parse)
    n_words: SymbolicInt
    bits: SymbolicInt
    data: Optional[tuple[int, ...]] = field(default=None, converter=data_tuple)
    log_block_size: Optional[int] = None

    def __attrs_post_init__(self):
        if self.kind not in (LoaderKind.QROM, LoaderKind.QROAM):
            raise ValueError(f"TableLoader wraps 'qrom' or 'qroam', not {self.kind!r}")
        if is_symbolic(self.n_words, self.bits, self.log_block_size):
            if self.data is not None:
                raise InvalidParameterError("a table with symbolic sizes is counted by shape only (data=None)")
            if self.kind == LoaderKind.QROAM and self.log_block_size is None:
                raise InvalidParameterError("'qroam' with symbolic sizes needs its log block size k")
            if self.kind == LoaderKind.QROM and self.log_block_size is not None:
                raise InvalidParameterError("a block size applies to 'qroam' only")
            return
        _check_table(self.n_words, self.bits, self.data)
        if self.kind == LoaderKind.QROAM and self.log_block_size is None:
            object.__setattr__(self, "log_block_size", qroam_log_block_size(self.n_words, self.bits))
        if self.kind == LoaderKind.QROM and self.log_block_size is not None:
            raise InvalidParameterError("a block size applies to 'qroam' only")
        if self.kind == LoaderKind.QROAM and not 0 <= self.log_block_size < address_bits(self.n_words):
            raise InvalidParameterError(
                f"log block size must lie in [0, {address_bits(self.n_words) - 1}]"
                " (at least two blocks)"
            )

    @cached_property
    def inner(self) -> Bloq:
        from qualtran.bloqs.data_loading.qrom import QROM

        if self.kind == LoaderKind.QROM:
            if self.data is None:
                return QROM.build_from_bitsize((self.n_words,), (self.bits,))
            return QROM.build_from_data(np.array(self.data, dtype=object), target_bitsizes=(self.bits,))
        return QROAMLoad(self.n_words, self.bits, self.data, self.log_block_size)

    @cached_property
    def signature(self) -> Signature:
        return Signature(
            [
                Register("address", BQUInt(address_bits(self.n_words), self.n_words)),
                Register("target", QUInt(self.bits)),
            ]
        )

    def build_composite_bloq(self, bb: BloqBuilder, address: SoquetT, target: SoquetT):
        reject_symbolic_sizes(self, self.n_words, self.bits, self.log_block_size)
        if self.kind == LoaderKind.QROAM:
            address, target = bb.add(self.inner, address=address, target=target)
            return {"address": address, "target": target}
        out = bb.add_d(self.inner, selection=address, target0_=target)
        return {"address": out["selection"], "target": out["target0_"]}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        return {self.inner: 1}

    def my_static_costs(self, cost_key: "CostKey"):
        from qualtran.resource_counting import QubitCount, get_cost_value

        if isinstance(cost_key, QubitCount):
            return get_cost_value(self.inner, QubitCount())

        return closed_forms_loaders.static_cost(self, cost_key)

    def on_classical_vals(self, address, target) -> dict[str, "ClassicalValT"]:
        return {"address": address, "target": int(target) ^ loaded_word(self, address)}

    def adjoint(self) -> Bloq:
        """QROM: itself (an XOR is its own inverse). QROAM: the unload by measurement
        (:class:`~qresource.loaders.qroam_unload.QROAMMeasurementUnload`), which needs the target
        to hold data[address], as it does after loading into a zero register."""
        if self.kind == LoaderKind.QROAM:
            return self.unload
        return self

    @cached_property
    def unload(self) -> Bloq:
        """The bloq that returns the loaded target to |0>: :meth:`adjoint`."""
        if self.kind == LoaderKind.QROAM:
            return QROAMMeasurementUnload(self.n_words, self.bits, self.data)
        return self

    def __str__(self) -> str:
        block = f", lambda={2**self.log_block_size}" if self.kind == LoaderKind.QROAM else ""
        return f"{self.kind.upper()}({self.n_words}x{self.bits}{block})"


def _check_table(n_words: int, bits: int, data) -> None:
    if is_symbolic(n_words, bits):
        if data is not None:
            raise InvalidParameterError("a table with symbolic sizes is counted by shape only (data=None)")
        return
    if isinstance(n_words, bool) or not isinstance(n_words, (int, np.integer)) or n_words < 2:
        raise InvalidParameterError(f"a table needs at least 2 words, got {n_words!r}")
    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)) or bits < 1:
        raise InvalidParameterError(f"words need at least 1 bit, got {bits!r}")
    if data is not None:
        if len(data) != n_words:
            raise InvalidParameterError(f"expected {n_words} words, got {len(data)}")
        # bit_length, not 2**bits: a width of 2**62 bits would build an integer of that size
        bad = next((x for x in data if x < 0 or int(x).bit_length() > bits), None)
        if bad is not None:
            raise InvalidParameterError(f"word {bad} does not fit in {bits} bits")


def make_loader(
    kind: str, n: int, bits: int, data=None, *, log_block_size: Optional[int] = None,
    lanes: Optional[int] = None,
) -> Bloq:
    """A bloq that XORs ``data[address]`` into ``target``; see the module docstring.

    ``data`` (a sequence of n ints in [0, 2^bits)) may be None to count the shape only.
    ``log_block_size`` applies to ``"qroam"`` (lambda = 2^k; default :func:`qroam_log_block_size`),
    ``lanes`` to ``"fanout"`` (bits moved at once, 1..bits; default all). Sizes may be sympy
    symbols (no data; ``"qroam"`` then needs ``log_block_size``): the loader is counted only.
    Raises InvalidParameterError (a ValueError) on an unknown kind or a table that does not fit.
    """
    kind = LoaderKind.parse(kind)
    data = data_tuple(data)
    _check_table(n, bits, data)
    if log_block_size is not None and kind != LoaderKind.QROAM:
        raise InvalidParameterError("a block size applies to 'qroam' only")
    if lanes is not None and kind != LoaderKind.FANOUT:
        raise InvalidParameterError("lanes apply to 'fanout' only")
    if is_symbolic(n, bits, lanes, log_block_size):  # counted only: the bloqs take the symbols as they are
        if kind == LoaderKind.FANOUT:
            return FanOutQRAM(n, bits, data, lanes)
        if kind == LoaderKind.BUCKET_BRIGADE:
            return BucketBrigadeQRAM(n, bits, data)
        return TableLoader(kind, n, bits, data, log_block_size)
    if kind == LoaderKind.FANOUT:
        if lanes is not None and (isinstance(lanes, bool) or not isinstance(lanes, (int, np.integer))
                                  or not 1 <= lanes <= bits):
            raise InvalidParameterError(f"lanes must lie in [1, {bits}], got {lanes!r}")
        return FanOutQRAM(int(n), int(bits), data, None if lanes is None else int(lanes))
    if kind == LoaderKind.BUCKET_BRIGADE:
        return BucketBrigadeQRAM(int(n), int(bits), data)
    return TableLoader(kind, int(n), int(bits), data, log_block_size)


def _metric_value(counts: dict, metric: str) -> int:
    if metric == "toffoli":
        # every T gate of a loader sits in a Toffoli-class leaf (AND, Toffoli, exact CSWAP)
        return counts["toffoli"]
    if metric == "qubits":
        return counts["qubits"]
    if metric == "depth":
        return counts["depth"]
    if metric == "spacetime":
        return counts["qubits"] * counts["depth"]
    raise InvalidParameterError(f"unknown metric {metric!r}: choose one of {', '.join(CHEAPEST_METRICS)}")


def qroam_block_size_for(n: int, bits: int, metric: str) -> int:
    """QROAM's log block size k minimising ``metric`` (ties to the smaller k): the Toffoli
    optimum :func:`qroam_log_block_size` for ``"toffoli"``, k = 0 for ``"qubits"`` (no scratch
    beyond one word), the balance of qubits and depth for ``"spacetime"``."""
    _check_table(n, bits, None)
    return min(range(address_bits(n)),
               key=lambda k: (_metric_value(loader_counts(LoaderKind.QROAM, n, bits, log_block_size=k), metric), k))


def loader_metric(kind: str, n: int, bits: int, metric: str) -> int:
    """The value of ``metric`` (one of :data:`CHEAPEST_METRICS`) for loader ``kind``, from the
    closed forms (which tests hold equal to the bloqs' counts); QROAM at its block size for that
    metric (:func:`qroam_block_size_for`)."""
    if LoaderKind.parse(kind) == LoaderKind.QROAM and metric in CHEAPEST_METRICS:
        block = qroam_block_size_for(n, bits, metric)
        return _metric_value(loader_counts(kind, n, bits, log_block_size=block), metric)
    return _metric_value(loader_counts(kind, n, bits), metric)


def cheapest_loader(n: int, bits: int, metric: str) -> str:
    """The loader kind with the smallest ``metric`` at (n, bits); ties go to the earlier kind in
    :data:`LOADER_KINDS`. Toffoli here is the Toffoli-class count (ANDs, Toffolis, controlled
    swaps), which holds every T gate of every loader."""
    if metric not in CHEAPEST_METRICS:
        raise InvalidParameterError(f"unknown metric {metric!r}: choose one of {', '.join(CHEAPEST_METRICS)}")
    _check_table(n, bits, None)
    return LoaderKind(min(LOADER_KINDS, key=lambda kind: loader_metric(kind, n, bits, metric)))


@bloq_example_of(TableLoader)
def _table_loader_qrom() -> TableLoader:
    """Qualtran's unary-iteration QROM over 5 words of 3 bits."""
    table_loader_qrom = TableLoader(kind=LoaderKind.QROM, n_words=5, bits=3, data=(1, 6, 3, 0, 7))
    return table_loader_qrom


@bloq_example_of(TableLoader)
def _table_loader_qroam() -> TableLoader:
    """The QROAM load over 8 words of 3 bits, blocks of 2 words, unloaded by measurement."""
    table_loader_qroam = TableLoader(kind=LoaderKind.QROAM, n_words=8, bits=3,
                                     data=(1, 6, 3, 0, 7, 2, 5, 4), log_block_size=1)
    return table_loader_qroam


@bloq_example_of(TableLoader)
def _table_loader_qroam_symb() -> TableLoader:
    """The QROAM load of N words of b bits with blocks of 2^k words, counted by shape."""
    n_words, bits = sympy.symbols("N b", positive=True, integer=True)
    log_block_size = sympy.Symbol("k", nonnegative=True, integer=True)
    table_loader_qroam_symb = TableLoader(kind=LoaderKind.QROAM, n_words=n_words, bits=bits,
                                          log_block_size=log_block_size)
    return table_loader_qroam_symb


_TABLE_LOADER_DOC = BloqDocSpec(
    bloq_cls=TableLoader, import_line="from qresource.loaders.table_loader import TableLoader",
    examples=[_table_loader_qrom, _table_loader_qroam, _table_loader_qroam_symb])
