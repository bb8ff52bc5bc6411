"""A tiny gate-list interpreter shared by the oracle's arithmetic bloqs.

The adder and the comparator are written as explicit lists of Clifford+AND operations on named
qubits (so that a bloq and its adjoint share one list, the adjoint being the reversed list with
every AND swapped for its measurement-based uncomputation). :func:`apply_ops` adds such a list to
a Qualtran ``BloqBuilder``. Operations:

* ``("x", q)``, ``("cnot", control, target)``
* ``("and", c1, c2, target, cv1, cv2)``: a fresh qubit ``target`` := [c1 == cv1 and c2 == cv2]
  (Gidney 2018 temporary AND, 4 T);
* ``("and_dag", c1, c2, target, cv1, cv2)``: its uncomputation (X-basis measurement and a
  classically controlled CZ, 0 T); ``target`` is released.
"""

from __future__ import annotations

from collections import Counter
from typing import Hashable, Sequence

import numpy as np

Op = tuple


def adjoint_ops(ops: Sequence[Op]) -> list[Op]:
    """The inverse gate list: reversed, with each AND and its uncomputation exchanged."""
    swapped = {"and": "and_dag", "and_dag": "and"}
    return [(swapped.get(op[0], op[0]),) + tuple(op[1:]) for op in reversed(ops)]


def apply_ops(bb, wires: dict[Hashable, object], ops: Sequence[Op]) -> None:
    """Add ``ops`` to ``bb``; ``wires`` maps qubit names to their current soquets (updated)."""
    from qualtran.bloqs.basic_gates import CNOT, XGate
    from qualtran.bloqs.mcmt import And

    for op in ops:
        kind = op[0]
        if kind == "x":
            wires[op[1]] = bb.add(XGate(), q=wires[op[1]])
        elif kind == "cnot":
            wires[op[1]], wires[op[2]] = bb.add(CNOT(), ctrl=wires[op[1]], target=wires[op[2]])
        elif kind == "and":
            _, c1, c2, target, cv1, cv2 = op
            if target in wires:
                raise ValueError(f"AND target {target!r} is already live")
            ctrl, out = bb.add(And(cv1, cv2), ctrl=np.array([wires[c1], wires[c2]]))
            wires[c1], wires[c2] = ctrl
            wires[target] = out
        elif kind == "and_dag":
            _, c1, c2, target, cv1, cv2 = op
            ctrl = bb.add(And(cv1, cv2, uncompute=True), ctrl=np.array([wires[c1], wires[c2]]),
                          target=wires.pop(target))
            wires[c1], wires[c2] = ctrl
        else:
            raise ValueError(f"unknown operation {kind!r}")


def ops_steps(ops: Sequence[Op]) -> tuple:
    """``ops`` as the steps of a :class:`~qresource.machinery.depth.Wiring`: (leaf bloq, its
    input wire names, its output wire names), the bloqs :func:`apply_ops` adds."""
    from qualtran.bloqs.basic_gates import CNOT, XGate
    from qualtran.bloqs.mcmt import And

    steps = []
    for op in ops:
        kind = op[0]
        if kind == "x":
            steps.append((XGate(), (op[1],), (op[1],)))
        elif kind == "cnot":
            steps.append((CNOT(), (op[1], op[2]), (op[1], op[2])))
        elif kind == "and":
            _, c1, c2, target, cv1, cv2 = op
            steps.append((And(cv1, cv2), (c1, c2), (c1, c2, target)))
        elif kind == "and_dag":
            _, c1, c2, target, cv1, cv2 = op
            steps.append((And(cv1, cv2, uncompute=True), (c1, c2, target), (c1, c2)))
        else:
            raise ValueError(f"unknown operation {kind!r}")
    return tuple(steps)


def tally_ops(ops: Sequence[Op]) -> Counter:
    """How many of each Qualtran leaf ``ops`` adds (for call graphs that must match it)."""
    from qualtran.bloqs.basic_gates import CNOT, XGate
    from qualtran.bloqs.mcmt import And

    counts: Counter = Counter()
    for op in ops:
        if op[0] == "x":
            counts[XGate()] += 1
        elif op[0] == "cnot":
            counts[CNOT()] += 1
        elif op[0] == "and":
            counts[And(op[4], op[5])] += 1
        elif op[0] == "and_dag":
            counts[And(op[4], op[5], uncompute=True)] += 1
    return counts


def simulate_ops(values: dict[Hashable, int], ops: Sequence[Op]) -> dict[Hashable, int]:
    """Classical run of ``ops`` on bits (fresh AND targets appear, uncomputed ones must be
    consistent and disappear): an independent check of a gate list, used by tests."""
    bits = dict(values)
    for op in ops:
        kind = op[0]
        if kind == "x":
            bits[op[1]] ^= 1
        elif kind == "cnot":
            bits[op[2]] ^= bits[op[1]]
        elif kind == "and":
            _, c1, c2, target, cv1, cv2 = op
            if target in bits:
                raise ValueError(f"AND target {target!r} is already live")
            bits[target] = int(bits[c1] == cv1 and bits[c2] == cv2)
        elif kind == "and_dag":
            _, c1, c2, target, cv1, cv2 = op
            if bits.pop(target) != int(bits[c1] == cv1 and bits[c2] == cv2):
                raise ValueError(f"uncomputing AND target {target!r} that does not hold the AND")
    return bits
