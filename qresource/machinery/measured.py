"""Leaves for measurement-based uncomputation of a table lookup (Berry et al., Quantum 3, 208
(2019), appendix C): an X-basis measurement that keeps its outcome, a Clifford phase applied when
a parity of kept outcomes is 1, and the reset of a measured qubit.

The lowering table (:mod:`qresource.machinery.lowering`) turns each into Clifford gates, a
Z-basis measurement into the one classical bit ``meas[0]`` and a block classically controlled
by that bit. The outcome of an X-basis measurement is kept on the measured qubit (after the
measurement it is the basis state |m>): the fix-up reads a parity of such outcomes by CNOTs into
a fresh qubit and a Z-basis measurement of it, which is the classical computation of the
condition written in the circuit model (deterministic: the qubits read are basis states). The
Cliffords and measurements of that read are counted like every other gate; no T gate and no
Toffoli is spent.
"""

from __future__ import annotations

from functools import cached_property

from attrs import frozen
from qualtran import Bloq, BloqDocSpec, DecomposeTypeError, QBit, Register, Side, Signature
from qualtran.resource_counting import GateCounts, QECGatesCost

from qresource.machinery.examples import bloq_example_of


class _MeasuredLeaf:
    """Mixin of the leaves below, which have no decomposition: Qualtran's gate counter gets
    their Cliffords and their one measurement directly (the lowering table holds the same
    gates)."""

    cliffords: int = 0

    def decompose_bloq(self):
        raise DecomposeTypeError(f"{self} is atomic: the lowering table gives its gates")

    def build_call_graph(self, ssa):
        return {}

    def my_static_costs(self, cost_key):
        if isinstance(cost_key, QECGatesCost):
            return GateCounts(clifford=self.cliffords, measurement=1)
        return NotImplemented


@frozen
class XBasisMeasurement(_MeasuredLeaf, Bloq):
    """Measure ``q`` in the X basis (H, then a Z-basis measurement) and keep the outcome m on it:
    afterwards ``q`` is |m>. On a state sum_v a_v |v> this leaves the phase (-1)^(m v).

    Registers:
        q: the measured qubit (THRU: it carries the outcome on).

    References:
        [Qubitization of Arbitrary Basis Quantum Chemistry Leveraging Sparsity and Low Rank
        Factorization](https://arxiv.org/abs/1902.02134). Berry et al. (2019), appendix C.
    """

    cliffords = 1  # H

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("q", QBit())])

    def __str__(self) -> str:
        return "MeasureX"


@frozen
class ParityControlledCZ(_MeasuredLeaf, Bloq):
    """CZ between ``a`` and ``b`` when the basis state of ``parity`` is 1; ``parity`` is read by
    a Z-basis measurement and released as |0>.

    Registers:
        a, b: the qubits of the CZ (THRU).
        parity: a basis-state qubit holding the condition (LEFT: released).
    """

    cliffords = 2  # CZ, X (worst case: applied)

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("a", QBit()), Register("b", QBit()),
                          Register("parity", QBit(), side=Side.LEFT)])

    def __str__(self) -> str:
        return "ParityCZ"


@frozen
class MeasurementReset(_MeasuredLeaf, Bloq):
    """Return a basis-state qubit to |0>: a Z-basis measurement, then X on outcome 1.

    Registers:
        q: the qubit (THRU; |0> afterwards).
    """

    cliffords = 1  # X (worst case: applied)

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("q", QBit())])

    def __str__(self) -> str:
        return "Reset"


@bloq_example_of(XBasisMeasurement)
def _measure_x() -> XBasisMeasurement:
    measure_x = XBasisMeasurement()
    return measure_x


@bloq_example_of(ParityControlledCZ)
def _parity_cz() -> ParityControlledCZ:
    parity_cz = ParityControlledCZ()
    return parity_cz


@bloq_example_of(MeasurementReset)
def _measurement_reset() -> MeasurementReset:
    measurement_reset = MeasurementReset()
    return measurement_reset


_X_BASIS_MEASUREMENT_DOC = BloqDocSpec(
    bloq_cls=XBasisMeasurement, import_line="from qresource.machinery.measured import XBasisMeasurement",
    examples=[_measure_x])
_PARITY_CONTROLLED_CZ_DOC = BloqDocSpec(
    bloq_cls=ParityControlledCZ, import_line="from qresource.machinery.measured import ParityControlledCZ",
    examples=[_parity_cz])
_MEASUREMENT_RESET_DOC = BloqDocSpec(
    bloq_cls=MeasurementReset, import_line="from qresource.machinery.measured import MeasurementReset",
    examples=[_measurement_reset])
