"""Bloqs whose sizes are parameters accept sympy symbols, and their call graphs are then the
closed forms: substituted at concrete sizes they give the concrete bloq's counts (Qualtran's
``QECGatesCost`` and the package's lowered gate counts, peak qubits where the bloq states them),
and the loaders' symbolic call graphs equal the module-level closed forms of
:mod:`qresource.loaders.closed_forms` (docs/architecture.md, "Symbolic sizes")."""

from __future__ import annotations

from typing import Callable, NamedTuple

import pytest
import sympy
from qualtran.resource_counting import QECGatesCost, QubitCount, get_cost_value
from qualtran.symbolics import ceil, log2

from qresource.arithmetic.comparator import AtLeastConstant, EqualsConstant
from qresource.arithmetic.inner_product import RippleCarryAdd, ShiftAddTerm
from qresource.grover.diffusion import GroverDiffusion, ReflectAboutZero
from qresource.loaders import closed_forms as cf
from qresource.loaders.bucket_brigade import BucketBrigadeQRAM, BusBit, LeafPhase
from qresource.loaders.fanout import FanOut, FanOutQRAM, LeafWrite, MergeTree, RouterLevel
from qresource.loaders.qroam_unload import (
    ExactQROAMClean,
    ExactSwapWithZero,
    QROAMLoad,
    QROAMMeasurementUnload,
)
from qresource.loaders.table_loader import TableLoader, make_loader
from qresource.machinery.logical import GATE_KEYS, gate_tally
from qresource.qlaci.layers import InteractionLayer, QueryEncoding, ScoreLayer
from qresource.qlaci.multiplexed_rotation import MultiplexedRotation
from qresource.qlaci.phase_rotation import PhaseGradientPrep, PhaseGradientRotation
from tests.test_bloq_examples import BLOQ_CLASSES

m, w, c, o = sympy.symbols("m w c o", integer=True, positive=True)
N, b, k, L = cf.N, cf.b, cf.k, cf.L  # the closed forms' own symbols (k may be 0)
QEC_FIELDS = ("toffoli", "cswap", "and_bloq", "t", "clifford", "rotation", "measurement")


class Case(NamedTuple):
    """A bloq with symbolic sizes, the same bloq at concrete sizes, and the sizes to check."""

    name: str
    symbolic: object
    concrete: Callable
    symbols: tuple
    sizes: tuple
    qubits: bool = False  # the bloq states its peak qubits for symbolic sizes too


LOADER_SIZES = ((2, 1), (3, 2), (5, 3), (8, 1), (13, 4), (16, 2))
QROAM_SIZES = ((2, 1, 0), (3, 2, 0), (5, 3, 1), (8, 2, 2), (13, 4, 2), (16, 3, 3))

CASES = [
    Case("reflect_about_zero", ReflectAboutZero(m), ReflectAboutZero, (m,), ((3,), (4,), (9,))),
    Case("grover_diffusion", GroverDiffusion(m), GroverDiffusion, (m,), ((3,), (4,), (9,))),
    Case("ripple_carry_add", RippleCarryAdd(m, w), RippleCarryAdd, (m, w), ((1, 2), (2, 2), (2, 3), (5, 5), (8, 12))),
    *[Case(f"shift_add_term_{negative}_{copy}_{adjoint}", ShiftAddTerm(m, w, negative, copy, adjoint),
           lambda x, y, negative=negative, copy=copy, adjoint=adjoint: ShiftAddTerm(x, y, negative, copy, adjoint),
           (m, w), ((2, 3), (3, 5), (5, 5), (8, 12)))
      for negative in (False, True) for copy in (False, True) for adjoint in (False, True)
      if not (copy and adjoint)],
    Case("at_least_constant", AtLeastConstant(w, c), AtLeastConstant, (w, c),
         tuple((width, value) for width in (2, 3, 5) for value in range(1, 2**width))),
    Case("at_least_constant_5", AtLeastConstant(w, 5), lambda x: AtLeastConstant(x, 5), (w,), ((3,), (4,), (9,))),
    Case("at_least_constant_worst", AtLeastConstant(w, None), lambda x: AtLeastConstant(x, None), (w,),
         ((2,), (3,), (9,))),
    Case("equals_constant", EqualsConstant(w, c), EqualsConstant, (w, c),
         tuple((width, value) for width in (2, 3, 5) for value in range(1, 2**width))),
    Case("equals_constant_0", EqualsConstant(w, 0), lambda x: EqualsConstant(x, 0), (w,), ((2,), (3,), (9,))),
    Case("equals_constant_6", EqualsConstant(w, 6), lambda x: EqualsConstant(x, 6), (w,), ((3,), (4,), (9,))),
    Case("fan_out", FanOut(m), FanOut, (m,), ((2,), (5,), (8,))),
    Case("fan_out_uncompute", FanOut(m, True), lambda x: FanOut(x, True), (m,), ((2,), (5,), (8,))),
    Case("router_level", RouterLevel(m), RouterLevel, (m,), ((0,), (1,), (4,))),
    Case("router_level_uncompute", RouterLevel(m, True), lambda x: RouterLevel(x, True), (m,), ((0,), (1,), (4,))),
    Case("leaf_write", LeafWrite(N, b), LeafWrite, (N, b), LOADER_SIZES),
    Case("merge_tree", MergeTree(2**m, b), lambda x, y: MergeTree(2**x, y), (m, b), ((1, 2), (2, 3), (4, 1))),
    Case("fan_out_qram", FanOutQRAM(N, b), FanOutQRAM, (N, b), LOADER_SIZES, qubits=True),
    Case("fan_out_qram_lanes", FanOutQRAM(N, b, lanes=L), lambda x, y, z: FanOutQRAM(x, y, lanes=z), (N, b, L),
         ((3, 2, 1), (5, 3, 2), (13, 4, 3), (16, 4, 4)), qubits=True),
    Case("leaf_phase", LeafPhase(N, b, 0), lambda x, y: LeafPhase(x, y, 0), (N, b), LOADER_SIZES),
    Case("bus_bit", BusBit(N, b, 0), lambda x, y: BusBit(x, y, 0), (N, b), LOADER_SIZES),
    Case("bucket_brigade_qram", BucketBrigadeQRAM(N, b), BucketBrigadeQRAM, (N, b), LOADER_SIZES, qubits=True),
    Case("qroam_measurement_unload", QROAMMeasurementUnload(N, b), QROAMMeasurementUnload, (N, b), LOADER_SIZES,
         qubits=True),
    Case("qroam_measurement_unload_k", QROAMMeasurementUnload(N, b, log_block_size=k),
         lambda x, y, z: QROAMMeasurementUnload(x, y, log_block_size=z), (N, b, k), QROAM_SIZES, qubits=True),
    Case("qroam_load", QROAMLoad(N, b, log_block_size=k), lambda x, y, z: QROAMLoad(x, y, log_block_size=z),
         (N, b, k), QROAM_SIZES, qubits=True),
    Case("table_loader_qrom", TableLoader("qrom", N, b), lambda x, y: TableLoader("qrom", x, y), (N, b),
         LOADER_SIZES, qubits=True),
    Case("table_loader_qroam", TableLoader("qroam", N, b, log_block_size=k),
         lambda x, y, z: TableLoader("qroam", x, y, log_block_size=z), (N, b, k), QROAM_SIZES, qubits=True),
    Case("exact_swap_with_zero", ExactSwapWithZero((k,), b, (2**k,)), lambda x, y: ExactSwapWithZero((x,), y, (2**x,)),
         (k, b), ((1, 2), (2, 3), (3, 1))),
    Case("exact_qroam_clean", ExactQROAMClean.build_from_bitsize((N,), (b,), log_block_sizes=(k,)),
         lambda x, y, z: ExactQROAMClean.build_from_bitsize((x,), (y,), log_block_sizes=(z,)), (N, b, k),
         QROAM_SIZES[2:], qubits=True),
    Case("phase_gradient_prep", PhaseGradientPrep(m, exact_angles=False),
         lambda x: PhaseGradientPrep(x, exact_angles=False), (m,), ((3,), (4,), (9,)), qubits=True),
    Case("phase_gradient_unprep", PhaseGradientPrep(m, uncompute=True, synthesize=False),
         lambda x: PhaseGradientPrep(x, uncompute=True, synthesize=False), (m,), ((3,), (4,), (9,)), qubits=True),
    Case("phase_gradient_rotation", PhaseGradientRotation(m), PhaseGradientRotation, (m,), ((2,), (3,), (8,))),
    Case("multiplexed_rotation", MultiplexedRotation(m), MultiplexedRotation, (m,), ((1,), (3,)), qubits=True),
    Case("query_encoding", QueryEncoding(m), QueryEncoding, (m,), ((1,), (4,))),
    *[Case(f"interaction_layer_{connectivity}", InteractionLayer(m, w, connectivity),
           lambda x, y, connectivity=connectivity: InteractionLayer(x, y, connectivity), (m, w),
           ((2, 3), (5, 4), (3, 3)))
      for connectivity in ("linear", "all")],
    *[Case(f"score_layer_{connectivity}", ScoreLayer(m, w, o, connectivity),
           lambda x, y, z, connectivity=connectivity: ScoreLayer(x, y, z, connectivity), (m, w, o),
           ((2, 3, 1), (4, 5, 2), (3, 3, 3)))
      for connectivity in ("linear", "all")],
]


def _value(expression, symbols, size):
    return sympy.sympify(expression).subs(dict(zip(symbols, size)))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_symbolic_call_graph_evaluates_to_the_concrete_counts(case):
    qec = get_cost_value(case.symbolic, QECGatesCost())
    lowered = gate_tally(case.symbolic)
    qubits = get_cost_value(case.symbolic, QubitCount()) if case.qubits else None
    assert sympy.sympify(lowered.t + lowered.clifford).free_symbols, "the counts do not depend on the sizes"
    for size in case.sizes:
        bloq = case.concrete(*size)
        concrete_qec, concrete_lowered = get_cost_value(bloq, QECGatesCost()), gate_tally(bloq)
        for field in QEC_FIELDS:
            assert _value(getattr(qec, field), case.symbols, size) == getattr(concrete_qec, field), (size, field)
        for key in GATE_KEYS:
            assert _value(getattr(lowered, key), case.symbols, size) == getattr(concrete_lowered, key), (size, key)
        if case.qubits:
            assert _value(qubits, case.symbols, size) == get_cost_value(bloq, QubitCount()), (size, "qubits")


#: Bloq classes without a symbolic case, and why.
NOT_SYMBOLIC = {
    # A tuple of terms given by the data (the shift-and-add schedule of one key row): its size is
    # the data; its terms (ShiftAddTerm, RippleCarryAdd) are symbolic.
    "ConstantInnerProduct",
    # Built around a concrete oracle bloq and a number of iterations; their counts are the
    # oracle's and the diffusion's (both symbolic) times the iterations.
    "GroverIterate", "GroverSearch",
    # Single-qubit measured leaves: no size.
    "MeasurementReset", "ParityControlledCZ", "XBasisMeasurement",
    # A rotation leaf (one qubit, one angle): no size.
    "SynthesizedRotation",
    # One Pauli basis change on one qubit: no size.
    "PauliBasisChange",
    # The threshold oracle's structure is its digit recoding, exclusions and per-coordinate term
    # schedule, built from concrete n, d, bits (and data when given); its closed form is the
    # oracle module's static cost.
    "ThresholdOracle",
    # QLACI's whole circuit and shot: built from a concrete number of layers, a loader bloq and
    # angle tables, as sums over their layers (each layer is symbolic); the feature maps hold a
    # concrete loader or per-key angle tables.
    "Qlaci", "QlaciShot", "LoaderFeatureMap", "MultiplexedFeatureMap",
    # The causal index preparation is Qualtran's decomposition of PrepareUniformSuperposition for a
    # concrete count, its rotations replaced; a head sums it over the counts' (bit length,
    # trailing zeros) groups instead (qresource.qlaci.causal.prefix_groups).
    "PrefixSuperposition",
}


def test_every_bloq_is_symbolic_or_says_why_not():
    symbolic = {type(case.symbolic).__name__ for case in CASES}
    names = {cls.__name__ for cls in BLOQ_CLASSES}
    missing = sorted(names - symbolic - NOT_SYMBOLIC)
    assert not missing, f"bloqs with neither a symbolic case nor a reason: {missing}"
    stale = sorted(NOT_SYMBOLIC & symbolic) + sorted(NOT_SYMBOLIC - names)
    assert not stale, f"allow-list entries that are symbolic or no longer bloqs: {stale}"


# --- the loaders' call graphs against the module's closed forms -----------------------------

def _same_language(expression):
    """The closed forms write ceil(log2 N) as CeilLog2(N); the bloqs as Qualtran's ceil(log2 N)."""
    return sympy.sympify(expression).replace(cf.CeilLog2, lambda x: ceil(log2(x)))


def _blocks(log_block_size):
    return sympy.ceiling(N / 2**log_block_size)


def _qualtran_shape_only_qrom_cliffords(log_block_size):
    """What Qualtran's shape-only ``QROM`` call graph (symbolic sizes, or no data) counts
    differently from its decomposition, in lowered Cliffords, over M = ceil(N / 2^k) blocks of
    2^k words: it lists the unary iteration's M - 2 ANDs with plain controls where the circuit
    inverts one (2 Cliffords each), leaves out its M - 2 CNOTs and the first selection bit's 2 X
    gates (3M - 4 in all), and writes all 2^k M block slots where the table has N words
    (2^k b M - N b more CNOTs; none when 2^k divides N)."""
    M = _blocks(log_block_size)
    return -(3 * M - 4) + 2**log_block_size * b * M - N * b


LOADERS = {
    # kind: (the bloq with symbolic sizes, the closed form's substitutions, Qualtran's convention)
    "fanout": (FanOutQRAM(N, b), {cf.W: N * b, cf.L: b}, 0),
    "bucket-brigade": (BucketBrigadeQRAM(N, b), {cf.V: b * (sympy.floor(N / 2) + 2 * sympy.Mod(N, 2))}, 0),
    "qrom": (TableLoader("qrom", N, b), {cf.W: N * b}, _qualtran_shape_only_qrom_cliffords(0)),
    "qroam": (TableLoader("qroam", N, b, log_block_size=k), {cf.W: N * b}, _qualtran_shape_only_qrom_cliffords(k)),
}


@pytest.mark.parametrize("kind", list(LOADERS))
def test_loader_call_graph_equals_the_closed_form(kind):
    bloq, table, clifford_convention = LOADERS[kind]
    closed = {key: _same_language(value).subs(table) for key, value in cf.expressions(kind).items()}
    counted = {key: getattr(gate_tally(bloq), key) for key in GATE_KEYS}
    counted["clifford"] -= clifford_convention
    counted["qubits"] = get_cost_value(bloq, QubitCount())
    assert all(sympy.sympify(counted[key]).free_symbols for key in ("toffoli", "clifford", "qubits"))
    log_words = sympy.Symbol("n", integer=True, positive=True)
    for key in (*GATE_KEYS, "qubits"):
        difference = sympy.sympify(counted[key] - closed[key])
        if kind != "qroam" or key != "qubits":  # a Max of the lookup and the unload: not simplified
            assert sympy.simplify(difference.subs(N, 2**log_words)) == 0, key
        for n_words in (2, 3, 5, 8, 13, 16, 100):
            for bits in (1, 3):
                blocks = (0, 1) if kind == "qroam" and n_words > 2 else (0,)
                for log_block_size in blocks:
                    assert difference.subs({N: n_words, b: bits, k: log_block_size}) == 0, (key, n_words)


def test_measured_unload_call_graph_equals_the_closed_form():
    closed = {key: _same_language(value).subs(cf.W, N * b) for key, value in cf.unload_expressions("qroam").items()}
    bloq = QROAMMeasurementUnload(N, b)
    counted = {key: getattr(gate_tally(bloq), key) for key in GATE_KEYS}
    counted["qubits"] = get_cost_value(bloq, QubitCount())
    for key, value in counted.items():
        assert sympy.simplify(sympy.sympify(value - closed[key])) == 0, key


def test_make_loader_passes_symbols_through():
    for kind, (bloq, _, _) in LOADERS.items():
        assert make_loader(kind, N, b, log_block_size=k if kind == "qroam" else None) == bloq


def test_symbolic_sizes_count_the_shape_only():
    with pytest.raises(ValueError, match="shape only"):
        FanOutQRAM(N, b, data=(1, 2))
    with pytest.raises(ValueError, match="shape only"):
        make_loader("qrom", N, 2, data=(1, 2))
    with pytest.raises(ValueError, match="log block size"):
        TableLoader("qroam", N, b)
    with pytest.raises(ValueError, match="exact_angles"):
        PhaseGradientPrep(m)
