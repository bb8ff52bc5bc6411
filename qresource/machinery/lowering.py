"""The lowering table: each atomic Qualtran leaf as Clifford+T, measurement and classically
controlled Paulis.

Every count, depth and circuit in this package is derived from the templates below, so the
table is the single place that decides what a leaf costs. A template is a tuple of operations
on the leaf's *local* qubits, numbered by concatenating the leaf's registers in signature order
and, inside a register, in Qualtran's bit order (index 0 is the most significant bit of an
integer register). Operations:

- ``(gate, qubits)`` with ``gate`` in :data:`CLIFFORD_GATES` or ``"t"``/``"tdg"``;
- ``(rotation, qubits, angle)`` with ``rotation`` in ``"rz"``, ``"rx"``, ``"ry"`` (arbitrary
  angles, left for a synthesis pass);
- ``("measure", (q,))``: a Z-basis measurement of ``q`` into the leaf's classical bit;
- ``("if", qubits, body)``: ``body`` (Clifford operations on ``qubits``) applied when that bit
  is 1.

Sources of the constructions:

- temporary logical-AND, compute: Gidney 2018, "Halving the cost of quantum addition",
  arXiv:1709.06648, Fig. 3: the target is prepared in T|+>, then three T/T-dagger gates, so
  4 T in all and no Toffoli;
- temporary logical-AND, uncompute: the same paper, Fig. 3 (right): measure the target in the
  X basis; on outcome 1 apply CZ between the controls. The measured target is then |outcome>,
  so the same classically controlled block flips it back to |0> (one X) and the qubit can be
  reused: 0 T;
- Toffoli without ancilla: 7 T, 6 CNOT, 2 H (Amy, Maslov, Mosca, Roetteler 2013,
  arXiv:1206.0758, reach T-depth 3 by parallel T layers; here the sequential textbook form of
  Nielsen and Chuang Fig. 4.9, same T count, T-depth 4);
- CSWAP (Fredkin): CNOT(y->x) Toffoli(c,x->y) CNOT(y->x) (Nielsen and Chuang exercise 4.25);
- an AND control of value 0 is conjugated by X on that control (2 Cliffords per inverted
  control on compute); on uncompute the phase (-1)^(a'b') with a' = 1 - a is CZ times Z on the
  other control, so inverted controls add one Z each inside the classically controlled block;
- the leaves of measurement-based table unloading (:mod:`qresource.machinery.measured`; Berry
  et al., arXiv:1902.02134, appendix C): an X-basis measurement that keeps its outcome on the
  qubit (H, measure), a CZ applied when a parity qubit reads 1 (measure it; on 1, CZ and an X
  that returns it to |0>), and a reset (measure; on 1, X).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Optional

from qualtran import Bloq, Side

from qresource.core.errors import QResourceError
from qresource.machinery.measured import MeasurementReset, ParityControlledCZ, XBasisMeasurement

CLIFFORD_GATES = frozenset({"h", "s", "sdg", "x", "y", "z", "cx", "cz"})
T_GATES = frozenset({"t", "tdg"})
ROTATION_GATES = frozenset({"rz", "rx", "ry"})


@dataclass(frozen=True)
class LeafRule:
    """How one atomic Qualtran leaf is lowered, and what that costs.

    ``registers`` lists ``(name, width, side)`` in signature order; ``template`` acts on the
    concatenated local qubits. ``toffoli_class`` is 1 for a Toffoli-class leaf (Toffoli, CSWAP,
    temporary-AND compute) and 0 otherwise. ``classical`` names the leaf's action on
    computational basis states for the bit-sliced simulator (``None``: not classical).
    """

    name: str
    registers: tuple[tuple[str, int, Side], ...]
    template: tuple
    toffoli_class: int = 0
    classical: Optional[tuple] = None

    @property
    def n_qubits(self) -> int:
        return sum(width for _, width, _ in self.registers)

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        """T, Clifford, rotation and measurement counts of the template (if-blocks counted once)."""
        return template_counts(self.template)


def template_counts(template) -> dict[str, int]:
    counts = {"t": 0, "clifford": 0, "rotations": 0, "measurements": 0}
    for op in template:
        name = op[0]
        if name in T_GATES:
            counts["t"] += 1
        elif name in CLIFFORD_GATES:
            counts["clifford"] += 1
        elif name in ROTATION_GATES:
            counts["rotations"] += 1
        elif name == "measure":
            counts["measurements"] += 1
        elif name == "if":
            for key, value in template_counts(op[2]).items():
                counts[key] += value
        else:  # pragma: no cover - templates are written in this module
            raise AssertionError(f"unknown template operation {name}")
    return counts


def gate_duration(name: str, t_only: bool = False) -> int:
    """Layers one template gate lasts: 1 each, or for T-depth 1 for T/T-dagger and 0 otherwise."""
    if t_only:
        return 1 if name in T_GATES else 0
    return 1


def template_depth(template, t_only: bool = False) -> int:
    """ASAP depth (or T-depth) of a template from time 0; an if-block lasts its body's depth."""
    ready: dict[int, int] = {}
    end = 0
    for op in template:
        duration = template_depth(op[2], t_only) if op[0] == "if" else gate_duration(op[0], t_only)
        start = max(ready.get(q, 0) for q in op[1])
        for q in op[1]:
            ready[q] = start + duration
        end = max(end, start + duration)
    return end


# --- templates -------------------------------------------------------------------------------

def _toffoli_ops(a: int, b: int, c: int) -> tuple:
    """Toffoli(a, b -> c): 7 T, 6 CNOT, 2 H."""
    return (
        ("h", (c,)), ("cx", (b, c)), ("tdg", (c,)), ("cx", (a, c)), ("t", (c,)),
        ("cx", (b, c)), ("tdg", (c,)), ("cx", (a, c)), ("t", (b,)), ("t", (c,)), ("h", (c,)),
        ("cx", (a, b)), ("t", (a,)), ("tdg", (b,)), ("cx", (a, b)),
    )


def _and_compute_ops(cv1: int, cv2: int) -> tuple:
    """Temporary AND of qubits 0, 1 into fresh qubit 2 (Gidney 2018, Fig. 3): 4 T."""
    flips = tuple(("x", (q,)) for q, cv in ((0, cv1), (1, cv2)) if cv == 0)
    core = (
        ("h", (2,)), ("t", (2,)),
        ("cx", (0, 2)), ("cx", (1, 2)),
        ("cx", (2, 0)), ("cx", (2, 1)),
        ("tdg", (0,)), ("tdg", (1,)), ("t", (2,)),
        ("cx", (2, 0)), ("cx", (2, 1)),
        ("h", (2,)), ("s", (2,)),
    )
    return flips + core + flips


def _and_uncompute_ops(cv1: int, cv2: int) -> tuple:
    """Measurement-based uncomputation of the AND in qubit 2 (Gidney 2018, Fig. 3): 0 T."""
    body = [("cz", (0, 1))]
    # (-1)^((1-a) b) = (-1)^(ab) (-1)^b: an inverted control adds Z on the other control.
    if cv1 == 0:
        body.append(("z", (1,)))
    if cv2 == 0:
        body.append(("z", (0,)))
    body.append(("x", (2,)))
    return (("h", (2,)), ("measure", (2,)), ("if", (0, 1, 2), tuple(body)))


def _cswap_ops(c: int, x: int, y: int) -> tuple:
    return (("cx", (y, x)),) + _toffoli_ops(c, x, y) + (("cx", (y, x)),)


def quarter_turns(angle: float) -> Optional[int]:
    """k when ``angle`` (radians) is k pi/4 modulo 2 pi to double precision, else None: the test
    that decides whether a rotation is a Clifford+T gate or needs synthesis."""
    turns = angle / math.pi * 4
    nearest = round(turns)
    if abs(turns - nearest) < 1e-12:
        return int(nearest) % 8
    return None


#: exp(-i k pi/8 Z) up to global phase, for k quarter turns: T, S, Z and their products.
Z_POWER_GATES = {0: (), 1: ("t",), 2: ("s",), 3: ("s", "t"), 4: ("z",), 5: ("z", "t"), 6: ("sdg",), 7: ("tdg",)}


def _z_rotation_ops(angle: float) -> tuple:
    """exp(-i angle Z / 2) up to global phase: T/S/Z when angle is a multiple of pi/4."""
    turns = quarter_turns(angle)
    if turns is None:
        return (("rz", (0,), float(angle)),)
    return tuple((gate, (0,)) for gate in Z_POWER_GATES[turns])


def _regs(bloq: Bloq) -> tuple[tuple[str, int, Side], ...]:
    out = []
    for reg in bloq.signature:
        width = int(reg.bitsize) * int(math.prod(int(s) for s in reg.shape))
        out.append((reg.name, width, reg.side))
    return tuple(out)


def leaf_rule(bloq: Bloq) -> Optional[LeafRule]:
    """The lowering of ``bloq`` if it is an atomic leaf of the table, else ``None``.

    Bookkeeping bloqs (Split, Join, Partition, Cast, Allocate, Free) are not leaves: the
    flattener maps wires through them.
    """
    try:
        return _leaf_rule_cached(bloq)
    except TypeError:  # unhashable bloq: no caching
        return _leaf_rule(bloq)


@functools.lru_cache(maxsize=4096)
def _leaf_rule_cached(bloq: Bloq) -> Optional[LeafRule]:
    return _leaf_rule(bloq)


def _leaf_rule(bloq: Bloq) -> Optional[LeafRule]:
    from qualtran.bloqs.basic_gates import (
        CNOT,
        CZ,
        GlobalPhase,
        Hadamard,
        Identity,
        Rx,
        Ry,
        Rz,
        SGate,
        TGate,
        Toffoli,
        TwoBitCSwap,
        TwoBitSwap,
        XGate,
        XPowGate,
        YGate,
        YPowGate,
        ZGate,
        ZPowGate,
    )
    from qualtran.bloqs.mcmt import And, MultiTargetCNOT

    if any(reg.is_symbolic() for reg in bloq.signature):
        return None  # sizes given as symbols: counted through its call graph, never a leaf gate
    regs = _regs(bloq)
    single = {XGate: "x", YGate: "y", ZGate: "z", Hadamard: "h"}
    for cls, gate in single.items():
        if type(bloq) is cls:
            return LeafRule(gate, regs, ((gate, (0,)),), classical=_CLASSICAL_SINGLE.get(gate))
    if isinstance(bloq, SGate):
        gate = "sdg" if bloq.is_adjoint else "s"
        return LeafRule(gate, regs, ((gate, (0,)),), classical=("phase",))
    if isinstance(bloq, TGate):
        gate = "tdg" if bloq.is_adjoint else "t"
        return LeafRule(gate, regs, ((gate, (0,)),), classical=("phase",))
    if isinstance(bloq, CNOT):
        return LeafRule("cx", regs, (("cx", (0, 1)),), classical=("cx", 0, 1))
    if isinstance(bloq, CZ):
        return LeafRule("cz", regs, (("cz", (0, 1)),), classical=("phase",))
    if isinstance(bloq, TwoBitSwap):
        return LeafRule("swap", regs, (("cx", (0, 1)), ("cx", (1, 0)), ("cx", (0, 1))),
                        classical=("swap", 0, 1))
    if isinstance(bloq, Toffoli):
        return LeafRule("toffoli", regs, _toffoli_ops(0, 1, 2), toffoli_class=1,
                        classical=("ccx", 0, 1, 2))
    if isinstance(bloq, TwoBitCSwap):
        return LeafRule("cswap", regs, _cswap_ops(0, 1, 2), toffoli_class=1,
                        classical=("cswap", 0, 1, 2))
    if isinstance(bloq, And):
        cv1, cv2 = int(bloq.cv1), int(bloq.cv2)
        if bloq.uncompute:
            return LeafRule(f"and_dag_{cv1}{cv2}", regs, _and_uncompute_ops(cv1, cv2),
                            classical=("and_uncompute", cv1, cv2))
        return LeafRule(f"and_{cv1}{cv2}", regs, _and_compute_ops(cv1, cv2), toffoli_class=1,
                        classical=("and_compute", cv1, cv2))
    if isinstance(bloq, XBasisMeasurement):
        return LeafRule("measure_x", regs, (("h", (0,)), ("measure", (0,))))
    if isinstance(bloq, ParityControlledCZ):
        return LeafRule("parity_cz", regs, (("measure", (2,)), ("if", (0, 1, 2), (("cz", (0, 1)), ("x", (2,))))))
    if isinstance(bloq, MeasurementReset):
        return LeafRule("reset", regs, (("measure", (0,)), ("if", (0,), (("x", (0,)),))))
    controlled_xor = _controlled_xor_targets(bloq)
    if controlled_xor is not None:
        # Qualtran decomposes XorK into an X on each set bit of k, so its singly controlled form
        # is one CNOT per set bit: a leaf here spares a decomposition per distinct k (one per
        # word of a QROM table).
        return LeafRule("controlled_xor_k", regs, tuple(("cx", (0, t)) for t in controlled_xor),
                        classical=("fanout_to",) + controlled_xor)
    if isinstance(bloq, MultiTargetCNOT):
        n = int(bloq.bitsize)
        return LeafRule("multi_target_cnot", regs, tuple(("cx", (0, 1 + i)) for i in range(n)),
                        classical=("fanout",))
    if isinstance(bloq, (GlobalPhase, Identity)):
        return LeafRule("identity", regs, (), classical=("phase",))
    for axis, by_angle, by_exponent in (("z", Rz, ZPowGate), ("x", Rx, XPowGate), ("y", Ry, YPowGate)):
        if isinstance(bloq, by_angle):
            return _rotation_rule(bloq, regs, axis, _concrete(bloq.angle, bloq))
        if isinstance(bloq, by_exponent):
            return _rotation_rule(bloq, regs, axis, math.pi * _concrete(bloq.exponent, bloq))
    return None


def _controlled_xor_targets(bloq: Bloq) -> Optional[tuple[int, ...]]:
    """Local target qubits of ``Controlled(XorK(dtype, k), one control of value 1)``: the set bits
    of k, in Qualtran bit order after the control; None for any other bloq."""
    from qualtran import Controlled, CtrlSpec
    from qualtran.bloqs.arithmetic.bitwise import XorK

    if not (isinstance(bloq, Controlled) and isinstance(bloq.subbloq, XorK)):
        return None
    if bloq.ctrl_spec != CtrlSpec() or bloq.subbloq.is_symbolic() or bloq.subbloq.dtype.num_qubits < 1:
        return None
    bits = bloq.subbloq.dtype.to_bits(bloq.subbloq.k)
    return tuple(1 + i for i, bit in enumerate(bits) if bit)


def _concrete(value, bloq) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise QResourceError(f"{bloq} has a symbolic angle; give a number to lower it") from None


_CLASSICAL_SINGLE = {"x": ("x", 0), "z": ("phase",), "y": ("x", 0)}


def _rotation_rule(bloq: Bloq, regs, axis: str, angle: float) -> LeafRule:
    z_ops = _z_rotation_ops(angle)
    if axis == "z":
        return LeafRule(f"rz({angle})", regs, z_ops, classical=("phase",))
    # Rx = H Rz H; Ry = S H Rz H S-dagger (conjugations are Clifford): with a generic angle the
    # rotation stays whole ("rx"/"ry") for synthesis to handle.
    if any(op[0] == "rz" for op in z_ops):
        return LeafRule(f"r{axis}({angle})", regs, ((f"r{axis}", (0,), float(angle)),))
    if axis == "x":
        ops = (("h", (0,)),) + z_ops + (("h", (0,)),)
    else:
        ops = (("sdg", (0,)), ("h", (0,))) + z_ops + (("h", (0,)), ("s", (0,)))
    classical = ("x", 0) if quarter_turns(angle) == 4 else None
    return LeafRule(f"r{axis}({angle})", regs, ops, classical=classical)


# --- templates for gates a foreign circuit may carry un-lowered -------------------------------

def toffoli_template() -> tuple:
    """ccx(a, b -> c) on local qubits 0, 1, 2."""
    return _toffoli_ops(0, 1, 2)


def ccz_template() -> tuple:
    """ccz on local qubits 0, 1, 2: H on the last qubit around a Toffoli."""
    return (("h", (2,)),) + _toffoli_ops(0, 1, 2) + (("h", (2,)),)


def cswap_template() -> tuple:
    """cswap(c; x, y) on local qubits 0, 1, 2."""
    return _cswap_ops(0, 1, 2)


def and_compute_template(cv1: int = 1, cv2: int = 1) -> tuple:
    return _and_compute_ops(cv1, cv2)


def and_uncompute_template(cv1: int = 1, cv2: int = 1) -> tuple:
    return _and_uncompute_ops(cv1, cv2)


def rotation_template(axis: str, angle: float) -> tuple:
    """A single-qubit rotation exp(-i angle P/2), P in X, Y, Z, on local qubit 0.

    Multiples of pi/4 become T/S/Z (conjugated by H, or S-dagger H, for X and Y); any other
    angle stays one ``rz``/``rx``/``ry`` rotation for synthesis.
    """
    from qualtran import Side as _Side

    return _rotation_rule(None, (("q", 1, _Side.THRU),), axis, float(angle)).template
