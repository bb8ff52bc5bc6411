"""QROAM loaded with its junk kept and unloaded by measurement (Berry, Gidney, Motta, McClean,
Babbush, "Qubitization of arbitrary basis quantum chemistry leveraging sparsity and low rank
factorization", Quantum 3, 208 (2019), arXiv:1902.02134, appendices B and C; Low, Kliuchnikov,
Schaeffer, arXiv:1812.00954).

:class:`QROAMMeasurementUnload` takes a register that holds ``data[address]`` back to |0> for
about ceil(N / K) + K Toffolis, whatever the word width: every target qubit is measured in the X
basis (outcomes m), which leaves the phase (-1)^(m . data[x]) on address x; that phase is undone
by a lookup of one bit per address, f(x) = m . data[x], with K = 2^k words per block: a one-hot
register of the k low address bits (K - 2 ANDs), unary iteration over the ceil(N / K) blocks
(ceil(N / K) - 2 ANDs) and, for each address x = h K + l, a CZ between the block's flag and
one-hot qubit l applied when f(x) is 1. The ANDs are uncomputed by measurement too, so the
unload spends ceil(N / K) + K - 4 Toffoli-class gates (Qualtran's ``QROAMCleanAdjoint`` charges
the same) and no other T gate.

The fix-up depends on the outcomes. In the circuit it is classically controlled: each outcome
stays on its measured qubit as a basis state, and the parity f(x) is read by CNOTs into a fresh
qubit and a Z-basis measurement that decides the CZ (:mod:`qresource.machinery.measured`). The
counts are the worst case over outcomes: every CZ, and every CNOT of the parity reads, is counted
as applied; Toffolis and T gates do not depend on the outcomes at all.

:class:`QROAMLoad` is the loader: Qualtran's ``QROAMClean`` (a QROM over ceil(N / K) blocks of
K words and a swap network that brings word x to the first block slot, ceil(N / K) - 2 +
(K - 1) b Toffoli-class gates) into a fresh K b-qubit scratch register, a CNOT copy of the word
into the target, and the scratch unloaded by measurement. Qualtran's ``SwapWithZero`` uses
``CSwapApprox``, a controlled swap up to a relative phase, which is harmless only when the same
network runs backwards; the junk here is measured instead, so the swaps are exact controlled
swaps (``CSwap``, one Toffoli each).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Optional

import attrs
import numpy as np
import sympy
from attrs import field, frozen
from qualtran import Bloq, BloqBuilder, BloqDocSpec, BQUInt, QBit, QUInt, Register, Signature, SoquetT
from qualtran.bloqs.arithmetic.bitwise import Xor
from qualtran.bloqs.basic_gates import CNOT, CSwap, XGate
from qualtran.bloqs.data_loading.qroam_clean import QROAMClean
from qualtran.bloqs.mcmt import And
from qualtran.bloqs.swap_network import SwapWithZero
from qualtran.resource_counting import QubitCount
from qualtran.symbolics import SymbolicInt, ceil, is_symbolic, smax

from qresource.core.errors import InvalidParameterError, QResourceError
from qresource.loaders.closed_forms import (
    EXACT_DEPTH_MAX_WORDS,
    load_log_block_size,
    unload_counts,
    unload_log_block_size,
)
from qresource.loaders.fanout import address_bits, reject_symbolic_sizes
from qresource.loaders.kinds import LoaderKind
from qresource.loaders.table_words import data_tuple
from qresource.machinery.depth import DepthCost, TDepthCost
from qresource.machinery.examples import bloq_example_of
from qresource.machinery.lattice_surgery import LatticeSurgeryDepthCost
from qresource.machinery.measured import MeasurementReset, ParityControlledCZ, XBasisMeasurement

if TYPE_CHECKING:
    from qualtran.resource_counting import BloqCountDictT, CostKey, SympySymbolAllocator




def _check_block(n_words: SymbolicInt, log_block_size: SymbolicInt) -> None:
    if is_symbolic(n_words, log_block_size):
        return  # taken to lie in [0, ceil(log2 N) - 1]
    n = address_bits(n_words)
    if isinstance(log_block_size, bool) or not isinstance(log_block_size, (int, np.integer)) \
            or not 0 <= log_block_size < n:
        raise InvalidParameterError(f"log block size must lie in [0, {n - 1}] (at least two blocks)")


@frozen
class QROAMMeasurementUnload(Bloq):
    r"""Return ``target`` = data[address] to |0> by X-basis measurement and a phase fix-up.

    See the module docstring. Requires ``target`` to hold exactly ``data[address]`` (the word a
    lookup wrote into a zero register); any other value would leave a phase behind, which the
    classical action reports.

    Args:
        n_words: N >= 2 words; bits: width w of a word.
        data: the words, or None to count the shape only (every bit 1: the worst case for the
            Clifford count; Toffolis do not depend on the data).
        log_block_size: k, K = 2^k addresses per block of the fix-up lookup, 0 <= k < ceil(log2 N);
            None picks :func:`unload_log_block_size`.

    Registers:
        address: BQUInt(ceil(log2 N), N), big-endian.
        target: QUInt(w), holding data[address]; |0> afterwards.

    References:
        [Qubitization of Arbitrary Basis Quantum Chemistry Leveraging Sparsity and Low Rank
        Factorization](https://arxiv.org/abs/1902.02134). Berry et al. (2019), appendix C.
        [Trading T-gates for dirty qubits in state preparation and unitary synthesis](
        https://arxiv.org/abs/1812.00954). Low, Kliuchnikov, Schaeffer (2018).
    """

    n_words: SymbolicInt
    bits: SymbolicInt
    data: Optional[tuple[int, ...]] = field(default=None, converter=data_tuple, repr=False)
    log_block_size: Optional[int] = None

    def __attrs_post_init__(self):
        if is_symbolic(self.n_words, self.bits, self.log_block_size):
            if self.data is not None:
                raise InvalidParameterError("an unload with symbolic sizes is counted by shape only (data=None)")
            if self.log_block_size is None:  # unload_log_block_size's expression
                object.__setattr__(self, "log_block_size", address_bits(self.n_words) // 2)
            return
        if self.n_words < 2 or self.bits < 1:
            raise InvalidParameterError("a table needs at least 2 words of at least 1 bit")
        if self.data is not None and (len(self.data) != self.n_words
                                      or any(not 0 <= x < 2**self.bits for x in self.data)):
            raise InvalidParameterError(f"expected {self.n_words} words of {self.bits} bits")
        if self.log_block_size is None:
            object.__setattr__(self, "log_block_size", unload_log_block_size(self.n_words))
        _check_block(self.n_words, self.log_block_size)

    @cached_property
    def address_bits(self) -> int:
        return address_bits(self.n_words)

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("address", BQUInt(self.address_bits, self.n_words)),
                          Register("target", QUInt(self.bits))])

    def word_bits(self, x: int) -> list[int]:
        """Target positions (0 = most significant) whose bit is 1 in word x (all without data)."""
        if self.data is None:
            return list(range(self.bits))
        return [j for j in range(self.bits) if (self.data[x] >> (self.bits - 1 - j)) & 1]

    # ------------------------------------------------------------------ decomposition

    def build_composite_bloq(self, bb: BloqBuilder, address: SoquetT, target: SoquetT):
        reject_symbolic_sizes(self, self.n_words, self.bits, self.log_block_size)
        n, k = self.address_bits, self.log_block_size
        tbits = list(bb.split(target))
        for j in range(self.bits):
            tbits[j] = bb.add(XBasisMeasurement(), q=tbits[j])
        abits = list(bb.split(address))
        high, low = abits[:n - k], abits[n - k:]
        units, levels = self._one_hot(bb, low)
        blocks = -(-self.n_words // 2**k)

        def leaf(flag, h):
            for l in range(2**k):
                x = h * 2**k + l
                if x >= self.n_words:
                    break
                # a zero word reads parity 0 and never applies its CZ: kept so that the counts
                # do not depend on which words are 0
                parity = bb.allocate(1, dtype=QBit())
                for j in self.word_bits(x):
                    tbits[j], parity = bb.add(CNOT(), ctrl=tbits[j], target=parity)
                flag, units[l] = bb.add(ParityControlledCZ(), a=flag, b=units[l], parity=parity)
            return flag

        def iterate(flag, level, prefix):
            if level == n - k:
                if flag is None:  # pragma: no cover - excluded since N > 2^(n-1)
                    raise QResourceError("unary iteration reached a block without a flag")
                return leaf(flag, prefix)
            rest = n - k - level - 1
            has_one = ((2 * prefix + 1) << rest) < blocks
            if not has_one:
                return iterate(flag, level + 1, 2 * prefix)
            if flag is None:  # the first address bit is its own flag
                high[level] = bb.add(XGate(), q=high[level])
                high[level] = iterate(high[level], level + 1, 0)
                high[level] = bb.add(XGate(), q=high[level])
                high[level] = iterate(high[level], level + 1, 1)
                return None
            (flag, high[level]), both = bb.add(And(1, 0), ctrl=np.array([flag, high[level]]))
            both = iterate(both, level + 1, 2 * prefix)
            flag, both = bb.add(CNOT(), ctrl=flag, target=both)
            both = iterate(both, level + 1, 2 * prefix + 1)
            flag, high[level] = bb.add(And(uncompute=True), ctrl=np.array([flag, high[level]]), target=both)
            return flag

        iterate(None, 0, 0)
        low = self._one_hot_undo(bb, low, units, levels)
        for j in range(self.bits):
            tbits[j] = bb.add(MeasurementReset(), q=tbits[j])
        return {"address": bb.join(np.array(high + low), dtype=self.signature[0].dtype),
                "target": bb.join(np.array(tbits), dtype=QUInt(self.bits))}

    def _one_hot(self, bb: BloqBuilder, low: list):
        """units[l] = [low bits == l]: the first bit by CNOTs, each later bit splits every unit
        with one AND."""
        if not low:
            return [bb.add(XGate(), q=bb.allocate(1, dtype=QBit()))], []
        zero, one = bb.allocate(1, dtype=QBit()), bb.allocate(1, dtype=QBit())
        low[0], one = bb.add(CNOT(), ctrl=low[0], target=one)
        zero = bb.add(XGate(), q=zero)
        low[0], zero = bb.add(CNOT(), ctrl=low[0], target=zero)
        units = [zero, one]
        levels = []
        for i in range(1, len(low)):
            split = []
            for u in units:
                (u, low[i]), both = bb.add(And(), ctrl=np.array([u, low[i]]))
                both, u = bb.add(CNOT(), ctrl=both, target=u)
                split += [u, both]
            units = split
            levels.append(i)
        return units, levels

    def _one_hot_undo(self, bb: BloqBuilder, low: list, units: list, levels: list) -> list:
        if not low:
            bb.free(bb.add(XGate(), q=units[0]))
            return low
        for i in reversed(levels):
            merged = []
            for p in range(len(units) // 2):
                u, both = units[2 * p], units[2 * p + 1]
                both, u = bb.add(CNOT(), ctrl=both, target=u)
                u, low[i] = bb.add(And(uncompute=True), ctrl=np.array([u, low[i]]), target=both)
                merged.append(u)
            units = merged
        zero, one = units
        low[0], zero = bb.add(CNOT(), ctrl=low[0], target=zero)
        bb.free(bb.add(XGate(), q=zero))
        low[0], one = bb.add(CNOT(), ctrl=low[0], target=one)
        bb.free(one)
        return low

    # ------------------------------------------------------------------ counts

    @cached_property
    def parity_reads(self) -> tuple[int, int]:
        """(CNOTs into parity qubits, parity-controlled CZs): (W, N)."""
        if self.data is None:
            return self.n_words * self.bits, self.n_words
        return sum(x.bit_count() for x in self.data), self.n_words

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        K = 2**self.log_block_size
        blocks = ceil(self.n_words / K) if is_symbolic(self.n_words, K) else -(-self.n_words // K)
        ones, words = self.parity_reads
        one_hot = smax(K - 2, 0)
        if is_symbolic(self.log_block_size):
            one_hot_cnots = sympy.Piecewise((0, sympy.Eq(self.log_block_size, 0)), (2 * one_hot + 4, True))
        else:
            one_hot_cnots = 2 * one_hot + 4 if self.log_block_size else 0
        counts = {
            XBasisMeasurement(): self.bits,
            MeasurementReset(): self.bits,
            And(1, 0): blocks - 2,
            And(): one_hot,
            And(uncompute=True): blocks - 2 + one_hot,
            # unary iteration M - 2, one-hot 2 (K - 2) + 4 (none when k = 0), parity reads W
            CNOT(): blocks - 2 + one_hot_cnots + ones,
            # the first address bit's complement, the one-hot register's first unit
            XGate(): 4,
            ParityControlledCZ(): words,
        }
        if is_symbolic(self.n_words, self.bits, self.log_block_size):
            return counts
        return {bloq: count for bloq, count in counts.items() if count}

    def my_static_costs(self, cost_key: "CostKey"):
        if isinstance(cost_key, QubitCount):
            return unload_qubits(self.n_words, self.bits, self.log_block_size)
        if isinstance(cost_key, (DepthCost, TDepthCost, LatticeSurgeryDepthCost)):
            # the closed-form bound where the longest path over the decomposition is too long to
            # walk (a large table, or one given by shape only) and the block size is the default
            small = self.data is not None and self.n_words <= EXACT_DEPTH_MAX_WORDS
            if small or self.log_block_size != unload_log_block_size(self.n_words):
                return NotImplemented
            counts = unload_counts(LoaderKind.QROAM, self.n_words, self.bits, self.parity_reads[0])
            return counts[{DepthCost: "depth", TDepthCost: "t_depth"}.get(type(cost_key), "lattice_surgery_depth")]
        return NotImplemented

    # ------------------------------------------------------------------ classical action

    def on_classical_vals(self, address, target):
        if self.data is None:
            raise ValueError(f"{self} has no data")
        if int(target) != self.data[int(address)]:
            raise QResourceError("the measured unload needs the target to hold data[address]")
        return {"address": address, "target": 0}

    def packed_action(self, words: list[np.ndarray], mask: np.ndarray) -> None:
        """The classical action on bit-sliced words (address bits, then target bits, most
        significant first), in place: a target that is not data[address] is reported."""
        if self.data is None:
            raise QResourceError(f"{self} has no data to simulate")
        n = self.address_bits
        address, target = words[:n], words[n:]
        expected = [np.zeros_like(mask) for _ in range(self.bits)]
        for x, word in enumerate(self.data):
            hit = mask.copy()
            for i in range(n):
                hit &= address[i] if (x >> (n - 1 - i)) & 1 else ~address[i]
            for j in self.word_bits(x):
                expected[j] |= hit
        if any(((t ^ e) & mask).any() for t, e in zip(target, expected)):
            raise QResourceError("the measured unload needs the target to hold data[address]")
        for j in range(self.bits):
            target[j] &= ~mask

    def __str__(self) -> str:
        return f"QROAMUnload({self.n_words}x{self.bits}, K={2**self.log_block_size})"


def unload_qubits(n_words: SymbolicInt, bits: SymbolicInt, log_block_size: SymbolicInt) -> SymbolicInt:
    """Peak live qubits of the measured unload: address n and target w, K one-hot qubits, the
    n - k - 1 unary-iteration ANDs along a path and one parity qubit."""
    n = address_bits(n_words)
    return 2 * n + bits + 2**log_block_size - log_block_size


@attrs.frozen
class ExactSwapWithZero(SwapWithZero):
    """Qualtran's ``SwapWithZero`` with exact controlled swaps (``CSwap``) instead of
    ``CSwapApprox``, whose relative phase would survive a measured unload."""

    @cached_property
    def cswap_n(self) -> CSwap:
        return CSwap(self.target_bitsize)


@attrs.frozen
class ExactQROAMClean(QROAMClean):
    """Qualtran's ``QROAMClean`` with :class:`ExactSwapWithZero`."""

    @cached_property
    def swap_with_zero_bloqs(self) -> list:
        return [ExactSwapWithZero(self.log_block_sizes, target_bitsize=t, n_target_registers=self.block_sizes)
                for t in self.target_bitsizes]


@frozen
class QROAMLoad(Bloq):
    r"""XOR ``data[address]`` into ``target``: Qualtran's ``QROAMClean`` into a scratch register
    (exact swaps), a CNOT copy, and the scratch unloaded by :class:`QROAMMeasurementUnload`.

    Args:
        n_words: N >= 2 words; bits: b >= 1 bits per word.
        data: the words, or None to count the shape only.
        log_block_size: k, K = 2^k words per block of the load; None picks
            :func:`load_log_block_size`.
        unload_log_block_size: the scratch unload's block size; None picks
            :func:`unload_log_block_size`.

    Registers:
        address: BQUInt(ceil(log2 N), N); target: QUInt(b), XORed with data[address].

    References:
        [Qubitization of Arbitrary Basis Quantum Chemistry Leveraging Sparsity and Low Rank
        Factorization](https://arxiv.org/abs/1902.02134). Berry et al. (2019), appendices B, C.
    """

    n_words: SymbolicInt
    bits: SymbolicInt
    data: Optional[tuple[int, ...]] = field(default=None, converter=data_tuple, repr=False)
    log_block_size: Optional[int] = None
    unload_log_block_size: Optional[int] = None

    def __attrs_post_init__(self):
        if is_symbolic(self.n_words, self.bits, self.log_block_size, self.unload_log_block_size):
            if self.data is not None:
                raise InvalidParameterError("a QROAM load with symbolic sizes is counted by shape only (data=None)")
            if self.log_block_size is None:
                raise InvalidParameterError("a QROAM load with symbolic sizes needs its log block size k"
                                            " (the Toffoli-optimal k is a minimum over integers)")
            if self.unload_log_block_size is None:  # unload_log_block_size's expression
                object.__setattr__(self, "unload_log_block_size", address_bits(self.n_words) // 2)
            return
        if self.log_block_size is None:
            object.__setattr__(self, "log_block_size", load_log_block_size(self.n_words, self.bits))
        if self.unload_log_block_size is None:
            object.__setattr__(self, "unload_log_block_size", unload_log_block_size(self.n_words))
        _check_block(self.n_words, self.log_block_size)
        _check_block(self.n_words, self.unload_log_block_size)

    @cached_property
    def lookup(self) -> QROAMClean:
        kwargs = dict(target_bitsizes=(self.bits,), log_block_sizes=(self.log_block_size,))
        if self.data is None:
            return ExactQROAMClean.build_from_bitsize((self.n_words,), **kwargs)
        return ExactQROAMClean.build_from_data(np.array(self.data, dtype=object), **kwargs)

    @cached_property
    def scratch_table(self) -> Optional[tuple[int, ...]]:
        """Word x of the scratch after the lookup: its K block slots, slot 0 most significant."""
        if self.data is None:
            return None
        slots = self.lookup.batched_data_permuted[0]
        K = 2**self.log_block_size
        return tuple(sum(int(slots[x][i]) << (self.bits * (K - 1 - i)) for i in range(K))
                     for x in range(self.n_words))

    @cached_property
    def scratch_unload(self) -> QROAMMeasurementUnload:
        return QROAMMeasurementUnload(self.n_words, 2**self.log_block_size * self.bits,
                                      self.scratch_table, self.unload_log_block_size)

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("address", BQUInt(address_bits(self.n_words), self.n_words)),
                          Register("target", QUInt(self.bits))])

    def build_composite_bloq(self, bb: BloqBuilder, address: SoquetT, target: SoquetT):
        reject_symbolic_sizes(self, self.n_words, self.bits, self.log_block_size, self.unload_log_block_size)
        out = bb.add_d(self.lookup, selection=address)
        first = out["target0_"]
        first, target = bb.add(Xor(QUInt(self.bits)), x=first, y=target)
        parts = [first] + list(np.asarray(out.get("junk_target0_", [])).reshape(-1))
        bits = [q for part in parts for q in bb.split(part)]
        scratch = bb.join(np.array(bits), dtype=QUInt(len(bits)))
        address, scratch = bb.add(self.scratch_unload, address=out["selection"], target=scratch)
        bb.free(scratch)
        return {"address": address, "target": target}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        return {self.lookup: 1, Xor(QUInt(self.bits)): 1, self.scratch_unload: 1}

    def my_static_costs(self, cost_key: "CostKey"):
        if isinstance(cost_key, QubitCount):
            return load_qubits(self.n_words, self.bits, self.log_block_size, self.unload_log_block_size)
        return NotImplemented

    def on_classical_vals(self, address, target):
        if self.data is None:
            raise ValueError(f"{self} has no data")
        return {"address": address, "target": int(target) ^ self.data[int(address)]}

    def __str__(self) -> str:
        return f"QROAMLoad({self.n_words}x{self.bits}, K={2**self.log_block_size})"


def load_qubits(n_words: SymbolicInt, bits: SymbolicInt, log_block_size: SymbolicInt,
                unload_log_block_size: SymbolicInt) -> SymbolicInt:
    """Peak live qubits of :class:`QROAMLoad`: address, target and the K b scratch qubits, plus
    the larger of the lookup's n - k - 1 unary-iteration ANDs and the unload's ancillas."""
    n = address_bits(n_words)
    K = 2**log_block_size
    unload_extra = unload_qubits(n_words, K * bits, unload_log_block_size) - n - K * bits
    return n + bits + K * bits + smax(n - log_block_size - 1, unload_extra)


@bloq_example_of(QROAMMeasurementUnload)
def _qroam_measurement_unload() -> QROAMMeasurementUnload:
    """The measured unload of 6 words of 3 bits, fix-up blocks of 2 addresses."""
    qroam_measurement_unload = QROAMMeasurementUnload(6, 3, (1, 6, 3, 0, 7, 2), log_block_size=1)
    return qroam_measurement_unload


@bloq_example_of(QROAMLoad)
def _qroam_load() -> QROAMLoad:
    """A QROAM load of 8 words of 3 bits, blocks of 2 words, its scratch unloaded by measurement."""
    qroam_load = QROAMLoad(8, 3, (1, 6, 3, 0, 7, 2, 5, 4), log_block_size=1, unload_log_block_size=1)
    return qroam_load


@bloq_example_of(ExactSwapWithZero)
def _exact_swap_with_zero() -> ExactSwapWithZero:
    """Bring register 0..3 of four 2-bit registers to position 0 with exact controlled swaps."""
    exact_swap_with_zero = ExactSwapWithZero((2,), 2, (4,))
    return exact_swap_with_zero


@bloq_example_of(ExactQROAMClean)
def _exact_qroam_clean() -> ExactQROAMClean:
    """QROAMClean over 8 words of 3 bits, blocks of 2, exact swaps."""
    exact_qroam_clean = ExactQROAMClean.build_from_data(
        np.array([1, 6, 3, 0, 7, 2, 5, 4], dtype=object), target_bitsizes=(3,), log_block_sizes=(1,))
    return exact_qroam_clean


_EXACT_SWAP_WITH_ZERO_DOC = BloqDocSpec(
    bloq_cls=ExactSwapWithZero, import_line="from qresource.loaders.qroam_unload import ExactSwapWithZero",
    examples=[_exact_swap_with_zero])

_EXACT_QROAM_CLEAN_DOC = BloqDocSpec(
    bloq_cls=ExactQROAMClean, import_line="from qresource.loaders.qroam_unload import ExactQROAMClean",
    examples=[_exact_qroam_clean])

_QROAM_MEASUREMENT_UNLOAD_DOC = BloqDocSpec(
    bloq_cls=QROAMMeasurementUnload,
    import_line="from qresource.loaders.qroam_unload import QROAMMeasurementUnload",
    examples=[_qroam_measurement_unload])

_QROAM_LOAD_DOC = BloqDocSpec(
    bloq_cls=QROAMLoad, import_line="from qresource.loaders.qroam_unload import QROAMLoad",
    examples=[_qroam_load])
