"""The threshold oracle O_i of Algorithm 1: flag j when Q_i . K_j >= tau.

Grover attention paper (Guo, Song, Yang, Zhang), section 1, the oracle
O_i|j, 0> = |j, [(QK^T)_{ij} >= tau]> searched by Algorithm 1 (Lemma 5.1, Theorem 1.3). The paper
charges it O(d), "assuming the data are stored in QRAM" (section 1; the proof of Lemma 5.1 charges
O(d) per evaluation); here it is a full circuit:

1. *loading*: K_j, the whole row (d entries of b bits), XORed into a fresh register by a data
   loader (``qresource.loaders.table_loader.make_loader``: any :class:`LoaderKind`);
2. *inner product*: acc = Q_i . K_j + C by shift-and-add of the classical Q_i
   (:class:`~qresource.arithmetic.inner_product.ConstantInnerProduct`);
3. *comparison*: [acc >= tau + C] (:class:`~qresource.arithmetic.comparator.AtLeastConstant`), XORed
   into ``flag`` (bit-flip form) or into an ancilla prepared in |-> so that it becomes the phase
   (-1)^[...] (phase form: one comparator, no second one to uncompute);
4. *uncomputation*: the inner product and the load run backwards, every ancilla back to |0>.

With ``excluded`` = (j_1, ..., j_m) the oracle marks [score >= tau] AND [index not in the list]
(the find-all schedule removes found indices): each [index == j_e] is an AND ladder
(:class:`~qresource.arithmetic.comparator.EqualsConstant`, ceil(log2 n) - 1 ANDs), XORed into one qubit (at most one can hold, so the
XOR is the OR); the comparison and the exclusion bits are combined by one AND (bit-flip) or a CZ
(phase), then uncomputed.

``tau`` is an integer in the unit of a product of two entries (2^-(f_Q + f_K), see
:mod:`qresource.oracle.precision`), the threshold the planner returns. Indices at or beyond n (when n is
not a power of two) load the zero row, so their score is 0.

Counts: :meth:`ThresholdOracle.parts` lists the pieces in circuit order, each tagged with its
role; the decomposition, the call graph and :func:`toffoli_breakdown` are all built from it.
With only the shape (n, d, b) the call graph enumerates nothing per index, so n = 2^30 counts in
milliseconds; without Q_i it counts the worst case over every b-bit Q_i (every digit non-zero,
:func:`~qresource.arithmetic.inner_product.worst_case_terms`), an upper bound.
"""

from __future__ import annotations

import enum
import functools
from collections import Counter
from functools import cached_property
from typing import Optional, Sequence

import numpy as np
from attrs import evolve, field, frozen
from qualtran import Bloq, BloqBuilder, BloqDocSpec, QBit, QUInt, Register, Signature, SoquetT
from qualtran.resource_counting import QubitCount, get_cost_value
from qualtran.resource_counting._qubit_counts import _cbloq_max_width

from qresource.arithmetic.comparator import AtLeastConstant, EqualsConstant
from qresource.arithmetic.fixed_point import DigitRecoding, pack_row, signed_range
from qresource.arithmetic.inner_product import ConstantInnerProduct
from qresource.core.integers import address_width
from qresource.loaders.closed_forms import loader_counts, unload_counts
from qresource.loaders.kinds import LoaderKind
from qresource.loaders.table_loader import make_loader
from qresource.machinery.depth import DepthCost, HeldDepthPlan, TDepthCost
from qresource.machinery.examples import bloq_example_of
from qresource.machinery.held_plans import held_plans
from qresource.machinery.lattice_surgery import HeldPlan, LatticeSurgeryDepthCost
from qresource.machinery.logical import GATE_KEYS, GateTally, LoweredGateCost


class OracleForm(enum.StrEnum):
    """How the oracle marks an index: ``flag ^= [...]`` or the phase (-1)^[...]."""

    BIT_FLIP = "bit-flip"
    PHASE = "phase"


FORMS = tuple(form.value for form in OracleForm)
ROLES = ("loading", "inner_product", "comparison", "exclusion", "uncomputation")


def _tuple_or_none(value):
    return None if value is None else tuple(int(v) for v in value)


def _rows_or_none(value):
    return None if value is None else tuple(tuple(int(v) for v in row) for row in value)


def index_bits(n: int) -> int:
    """Width of the ``index`` register: ceil(log2 n), at least 1."""
    return address_width(n)


def make_row_loader(kind: str, n: int, word_bits: int, data: Optional[Sequence[int]]) -> Bloq:
    """The loader of whole rows through ``qresource.loaders.table_loader.make_loader``."""

    return make_loader(kind, n, word_bits, data)


@frozen
class ThresholdOracle(Bloq):
    """O_i: ``flag ^= [Q_i . K_index >= tau]`` (bit-flip) or the phase (-1)^[...] (phase form).

    Args:
        n: number of keys (rows of K); d: dimension; bits: width b of each entry of K.
        q: Q_i as d integers (fixed-point units), or None: worst case over all b-bit Q_i.
        keys: K as n rows of d integers in b-bit two's complement, or None: shape only (counts).
        tau: threshold, an integer in product units; None only with q None (counts).
        loader: a :class:`~qresource.loaders.kinds.LoaderKind` or its name.
        form: "bit-flip" (registers ``index``, ``flag``) or "phase" (register ``index``).
        excluded: indices never marked (find-all schedule).
        recoding: "naf" (default, fewest additions) or "binary" for the constants q_t.

    Registers:
        index: QUInt(ceil(log2 n)), little-endian in exports; flag: one qubit (bit-flip only).
    """

    n: int
    d: int
    bits: int
    q: Optional[tuple[int, ...]] = field(default=None, converter=_tuple_or_none)
    keys: Optional[tuple[tuple[int, ...], ...]] = field(default=None, converter=_rows_or_none, repr=False)
    tau: Optional[int] = None
    loader: LoaderKind = field(default=LoaderKind.QROM, converter=LoaderKind.parse)
    form: OracleForm = field(default=OracleForm.BIT_FLIP, converter=OracleForm)
    excluded: tuple[int, ...] = field(default=(), converter=lambda xs: tuple(int(x) for x in xs))
    recoding: DigitRecoding = field(default=DigitRecoding.NAF, converter=DigitRecoding)

    def __attrs_post_init__(self):
        if self.n < 2:
            raise ValueError(f"the oracle searches at least 2 keys, got n = {self.n}")
        if self.d < 1 or self.bits < 1:
            raise ValueError(f"need d >= 1 and bits >= 1, got d = {self.d}, bits = {self.bits}")
        if self.q is not None and len(self.q) != self.d:
            raise ValueError(f"q has {len(self.q)} entries, expected d = {self.d}")
        if (self.q is None) != (self.tau is None) and self.q is not None:
            raise ValueError("an oracle with a given q needs its integer threshold tau")
        if self.keys is not None:
            if len(self.keys) != self.n or any(len(row) != self.d for row in self.keys):
                raise ValueError(f"keys must be {self.n} rows of {self.d} integers")
            low, high = signed_range(self.bits)
            bad = next((v for row in self.keys for v in row if not low <= v <= high), None)
            if bad is not None:
                raise ValueError(f"key entry {bad} does not fit {self.bits}-bit two's complement")
        if len(set(self.excluded)) != len(self.excluded):
            raise ValueError("excluded indices must be distinct")
        bad_index = next((j for j in self.excluded if not 0 <= j < self.n), None)
        if bad_index is not None:
            raise ValueError(f"excluded index {bad_index} is not in [0, {self.n})")

    # ---------------------------------------------------------------- components

    @cached_property
    def index_bits(self) -> int:
        return index_bits(self.n)

    @cached_property
    def table_words(self) -> int:
        """2^ceil(log2 n): the table is padded with zero rows so that every value of ``index``
        loads a defined row (unary iteration is undefined beyond its length)."""
        return 1 << self.index_bits

    @cached_property
    def row_loader(self) -> Bloq:
        data = None
        if self.keys is not None:
            data = [pack_row(row, self.bits) for row in self.keys] + [0] * (self.table_words - self.n)
        return make_row_loader(self.loader, self.table_words, self.d * self.bits, data)

    @cached_property
    def inner_product(self) -> ConstantInnerProduct:
        if self.q is None:
            return ConstantInnerProduct.worst_case(self.d, self.bits)
        return ConstantInnerProduct.from_q(self.q, self.bits, self.recoding)

    @cached_property
    def acc_bits(self) -> int:
        return self.inner_product.acc_bits

    @cached_property
    def comparator(self) -> AtLeastConstant:
        value = None if self.q is None else int(self.tau) + self.inner_product.offset
        return AtLeastConstant(self.acc_bits, value)

    @cached_property
    def equality_tests(self) -> tuple[Bloq, ...]:
        return tuple(EqualsConstant(self.index_bits, j) for j in self.excluded)

    def parts(self) -> list[tuple[str, Bloq]]:
        """(role, bloq) in circuit order; roles from :data:`ROLES`. Clifford-only glue (the |->
        preparation, the CZ, X gates, ANDs' partners) is listed too, under the role it serves."""
        from qualtran.bloqs.basic_gates import CNOT, CZ, Hadamard, XGate
        from qualtran.bloqs.mcmt import And

        parts: list[tuple[str, Bloq]] = [("loading", self.row_loader), ("inner_product", self.inner_product)]
        if not self.excluded:
            if self.form == "phase":
                parts += [("comparison", XGate()), ("comparison", Hadamard())]
            parts.append(("comparison", self.comparator))
            if self.form == "phase":
                parts += [("comparison", Hadamard()), ("comparison", XGate())]
        else:
            parts.append(("comparison", self.comparator))
            parts += [("exclusion", eq) for eq in self.equality_tests]
            if self.form == "bit-flip":
                parts += [("exclusion", And(1, 0)), ("exclusion", CNOT()), ("exclusion", And(1, 0, uncompute=True))]
            else:
                parts += [("exclusion", XGate()), ("exclusion", CZ()), ("exclusion", XGate())]
            parts += [("uncomputation", eq) for eq in reversed(self.equality_tests)]
            parts.append(("uncomputation", self.comparator))
        parts += [("uncomputation", self.inner_product.adjoint()), ("uncomputation", self.row_loader.adjoint())]
        return parts

    # ---------------------------------------------------------------- bloq protocol

    @cached_property
    def signature(self) -> Signature:
        registers = [Register("index", QUInt(self.index_bits))]
        if self.form == "bit-flip":
            registers.append(Register("flag", QBit()))
        return Signature(registers)

    def build_composite_bloq(self, bb: BloqBuilder, index: SoquetT, flag: Optional[SoquetT] = None):
        from qualtran.bloqs.basic_gates import CNOT, CZ, Hadamard, XGate
        from qualtran.bloqs.mcmt import And

        word_bits = self.d * self.bits
        row = bb.allocate(word_bits, dtype=QUInt(word_bits))
        index, row = bb.add(self.row_loader, address=index, target=row)
        row, acc = bb.add(self.inner_product, keys=row)
        if not self.excluded:
            if self.form == "phase":
                target = bb.add(Hadamard(), q=bb.add(XGate(), q=bb.allocate(1, dtype=QBit())))
            else:
                target = flag
            acc, target = bb.add(self.comparator, x=acc, target=target)
            if self.form == "phase":
                bb.free(bb.add(XGate(), q=bb.add(Hadamard(), q=target)))
            else:
                flag = target
        else:
            above = bb.allocate(1, dtype=QBit())
            acc, above = bb.add(self.comparator, x=acc, target=above)
            listed = bb.allocate(1, dtype=QBit())
            for eq in self.equality_tests:
                index, listed = bb.add(eq, x=index, target=listed)
            if self.form == "bit-flip":
                (above, listed), both = bb.add(And(1, 0), ctrl=np.array([above, listed]))
                both, flag = bb.add(CNOT(), ctrl=both, target=flag)
                above, listed = bb.add(And(1, 0, uncompute=True), ctrl=np.array([above, listed]), target=both)
            else:
                listed = bb.add(XGate(), q=listed)
                above, listed = bb.add(CZ(), q1=above, q2=listed)
                listed = bb.add(XGate(), q=listed)
            for eq in reversed(self.equality_tests):
                index, listed = bb.add(eq, x=index, target=listed)
            bb.free(listed)
            acc, above = bb.add(self.comparator, x=acc, target=above)
            bb.free(above)
        row = bb.add(self.inner_product.adjoint(), keys=row, acc=acc)
        index, row = bb.add(self.row_loader.adjoint(), address=index, target=row)
        bb.free(row)
        out = {"index": index}
        if self.form == "bit-flip":
            out["flag"] = flag
        return out

    def build_call_graph(self, ssa):
        counts: Counter = Counter()
        for _, bloq in self.parts():
            counts[bloq] += 1
        return dict(counts)

    # ---------------------------------------------------------------- closed forms

    @property
    def shape_only(self) -> bool:
        return self.q is None and self.keys is None

    @cached_property
    def loader_costs(self) -> dict[str, int]:
        """The row loader's exact counts from the loaders' closed forms (shape only: every bit 1)."""
        return loader_counts(self.loader, self.table_words, self.d * self.bits,
                             log_block_size=getattr(self.row_loader, "log_block_size", None))

    @cached_property
    def unloader_costs(self) -> dict[str, int]:
        """The row unload's exact counts (QROAM: unloaded by measurement; any other loader: the
        loader again)."""
        return unload_counts(self.loader, self.table_words, self.d * self.bits)

    def is_row_load(self, bloq: Bloq) -> bool:
        """Whether ``bloq`` is this oracle's load of K_j or its unload."""
        return bloq == self.row_loader or bloq == self.row_loader.adjoint()

    def row_load_costs(self, bloq: Bloq) -> dict[str, int]:
        """The closed-form counts of ``bloq``, the load or the unload of the rows."""
        return self.loader_costs if bloq == self.row_loader else self.unloader_costs

    def my_static_costs(self, cost_key):
        """Exact counts of the shape-only oracle (docs/oracle.md, "Closed forms"), every size.

        The oracle is its load and unload around an n-independent middle (inner product,
        comparison, exclusions, uncomputation). Gate counts: the loader's and unload's closed forms plus the
        middle's parts' own call graphs (each counted once and memoised). Qubits: Qualtran's
        sequential width over this decomposition, the loader's width from its closed form.
        Depth and T-depth: :class:`~qresource.machinery.depth.HeldDepthPlan` of the
        decomposition with both loads held (they are barriers in the ASAP schedule, so this is
        the schedule :class:`~qresource.machinery.depth.DepthCost` computes), evaluated at the
        loaders' closed-form depths. An oracle with data is counted through its call graph."""
        if not self.shape_only:
            return NotImplemented
        if isinstance(cost_key, LoweredGateCost):
            return self.gate_tally
        if isinstance(cost_key, QubitCount):
            return self.qubit_count
        if isinstance(cost_key, DepthCost):
            return self.depths[0]
        if isinstance(cost_key, TDepthCost):
            return self.depths[1]
        if isinstance(cost_key, LatticeSurgeryDepthCost):
            return self.lattice_surgery_depth
        return NotImplemented

    @cached_property
    def gate_tally(self) -> GateTally:
        total = GateTally()
        for _, bloq in self.parts():
            if self.is_row_load(bloq):
                costs = self.row_load_costs(bloq)
                total = total + GateTally(**{key: costs[key] for key in GATE_KEYS})
            else:
                total = total + _part_tally(bloq)
        return total

    @cached_property
    def qubit_count(self) -> int:
        graph = self.decompose_bloq()._binst_graph
        return int(_cbloq_max_width(
            graph, lambda b: self.row_load_costs(b)["qubits"] if self.is_row_load(b) else _part_qubits(b)))

    @cached_property
    def depths(self) -> tuple[int, int]:
        plan = _middle_plan(self)
        load, unload = self.loader_costs, self.unloader_costs
        return plan.evaluate([load["depth"], unload["depth"]], [load["t_depth"], unload["t_depth"]])

    @cached_property
    def lattice_surgery_depth(self) -> int:
        """Lattice-surgery depth: the held plan of the same middle (loads held) at the loaders'
        closed forms; an upper bound where the loader's is (QROAM)."""
        plan = _middle_lattice_surgery_plan(self)
        return plan.evaluate([self.loader_costs["lattice_surgery_depth"],
                              self.unloader_costs["lattice_surgery_depth"]])

    def score(self, index: int) -> int:
        """Q_i . K_index in product units (0 for an index beyond the table)."""
        if self.q is None or self.keys is None:
            raise ValueError(f"{self} has no data")
        if index >= self.n:
            return 0
        return sum(a * b for a, b in zip(self.q, self.keys[index]))

    def marked(self, index: int) -> bool:
        return self.score(index) >= self.tau and int(index) not in self.excluded

    def on_classical_vals(self, index, flag=None):
        if self.form != "bit-flip":
            raise NotImplementedError("the phase form has no classical action; use the bit-flip form")
        return {"index": index, "flag": int(flag) ^ int(self.marked(int(index)))}

    def adjoint(self) -> "ThresholdOracle":
        return self

    def __str__(self) -> str:
        data = "data" if self.keys is not None else "shape"
        return f"ThresholdOracle(n={self.n}, d={self.d}, b={self.bits}, {self.loader}, {self.form}, {data})"


@functools.lru_cache(maxsize=4096)
def _part_tally(bloq: Bloq) -> GateTally:
    return get_cost_value(bloq, LoweredGateCost())


@functools.lru_cache(maxsize=4096)
def _part_qubits(bloq: Bloq) -> int:
    return int(get_cost_value(bloq, QubitCount()))


@functools.lru_cache(maxsize=4096)
def _plans_for(skeleton: ThresholdOracle) -> tuple[HeldDepthPlan, HeldPlan]:
    return held_plans(skeleton.decompose_bloq(), skeleton.is_row_load)


def _skeleton(oracle: ThresholdOracle) -> ThresholdOracle:
    """The oracle at the smallest table of its index width: the same decomposition around a
    different load, so that plans over the middle are memoised on it."""
    smallest = max(2, (1 << (oracle.index_bits - 1)) + 1, max(oracle.excluded, default=0) + 1)
    return evolve(oracle, n=smallest)


def _middle_plan(oracle: ThresholdOracle) -> HeldDepthPlan:
    """The held-depth plan depends on the oracle's middle only."""
    return _plans_for(_skeleton(oracle))[0]


def _middle_lattice_surgery_plan(oracle: ThresholdOracle) -> HeldPlan:
    return _plans_for(_skeleton(oracle))[1]


def toffoli_class(counts) -> int:
    """Toffoli-class gates of Qualtran ``GateCounts``: Toffoli, AND, CSWAP (one each)."""
    return int(counts.toffoli) + int(counts.and_bloq) + int(counts.cswap)


def cost_breakdown(oracle: ThresholdOracle) -> dict[str, "object"]:
    """Qualtran ``GateCounts`` per role (loading, inner product, comparison, exclusion,
    uncomputation), from the same parts the decomposition uses."""
    from qualtran.resource_counting import GateCounts, QECGatesCost, get_cost_value

    totals = {role: GateCounts() for role in ROLES}
    for role, bloq in oracle.parts():
        totals[role] = totals[role] + get_cost_value(bloq, QECGatesCost())
    return totals


def toffoli_breakdown(oracle: ThresholdOracle) -> dict[str, int]:
    """Toffoli-class gates per role, and their total."""
    parts = {role: toffoli_class(counts) for role, counts in cost_breakdown(oracle).items()}
    parts["total"] = sum(parts.values())
    return parts


@bloq_example_of(ThresholdOracle)
def _threshold_oracle_small() -> ThresholdOracle:
    """circuits/instances/oracle-n4-d2.json: q = (1, 1), scores 3, -1, 0, -2 against tau = 2."""
    threshold_oracle_small = ThresholdOracle(4, 2, 4, q=(1, 1), keys=((2, 1), (0, -1), (1, -1), (-1, -1)), tau=2)
    return threshold_oracle_small


@bloq_example_of(ThresholdOracle)
def _threshold_oracle_phase_excluding() -> ThresholdOracle:
    threshold_oracle_phase_excluding = ThresholdOracle(
        4, 2, 4, q=(1, 1), keys=((2, 1), (0, -1), (1, -1), (-1, -1)), tau=2, form="phase", excluded=(0,))
    return threshold_oracle_phase_excluding


@bloq_example_of(ThresholdOracle)
def _threshold_oracle_shape() -> ThresholdOracle:
    """Shape only: the worst case over every 6-bit Q_i, as `estimate oracle` counts it."""
    threshold_oracle_shape = ThresholdOracle(1024, 8, 6)
    return threshold_oracle_shape


_THRESHOLD_ORACLE_DOC = BloqDocSpec(
    bloq_cls=ThresholdOracle, import_line="from qresource.oracle.threshold_oracle import ThresholdOracle",
    examples=[_threshold_oracle_small, _threshold_oracle_phase_excluding, _threshold_oracle_shape])
