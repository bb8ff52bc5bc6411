r"""The parameterised layers of the QLACI circuit (QLACI paper, section 3.2.3).

* ``QueryEncoding``: angle encoding U_enc,Q(Q_i) = prod_k Ry(Q_ik) on q_Q = d_q qubits
  (section 3.2.1, "rotation angles are affine functions of Q_i"; the affine map is applied
  classically before the angles reach the circuit).
* ``InteractionLayer``: one layer of U_interact(theta) between the query and key/value registers
  (step 2): for each (query, kv) pair of the connectivity an Rzz(theta) = CNOT Rz(theta) CNOT,
  then Ry(theta) on every query and kv qubit.
* ``ScoreLayer``: one layer of U_score(phi) mapping (query, kv) onto the output register
  (step 3): Ry(phi) on every output qubit, for each (source, out) pair an Rzz(phi), then Ry(phi)
  on every output qubit again. (Rzz commutes with Z on the output qubit, so without the first
  Ry it would act on |0> as a mere phase, and without the second Ry it could not change <Z>.)
* ``PauliBasisChange``: the single-qubit Cliffords that turn a measurement of X or Y on an
  output qubit into a Z measurement (step 4), followed by the Z measurements.

Connectivity ``linear``: interaction pairs (i mod q_Q, i mod q_KV) for i < max(q_Q, q_KV); score
pairs (s, s mod q_out) for every source s of the q_Q + q_KV query and kv qubits. Connectivity
``all``: every pair. An interaction layer holds pairs + q_Q + q_KV rotations, a score layer
pairs + 2 q_out, and each 2 x pairs CNOTs.
"""

from __future__ import annotations

from functools import cached_property
from typing import Dict, List, Optional, Tuple

import attrs
from qualtran import Bloq, BloqBuilder, BloqDocSpec, QBit, Register, Signature, SoquetT
from qualtran.bloqs.basic_gates import CNOT, Hadamard, SGate
from qualtran.symbolics import SymbolicInt, smax

from qresource.machinery.examples import bloq_example_of
from qresource.qlaci.rotation import rotation


def interaction_pairs(dq: int, kv: int, connectivity: str) -> List[Tuple[int, int]]:
    if connectivity == "all":
        return [(q, k) for q in range(dq) for k in range(kv)]
    return [(i % dq, i % kv) for i in range(max(dq, kv))]


def score_pairs(dq: int, kv: int, out: int, connectivity: str) -> List[Tuple[int, int]]:
    """Pairs (source, out) with sources numbered query 0..dq-1 then kv dq..dq+kv-1."""
    sources = dq + kv
    if connectivity == "all":
        return [(s, o) for s in range(sources) for o in range(out)]
    return [(s, s % out) for s in range(sources)]


def interaction_pair_count(dq: SymbolicInt, kv: SymbolicInt, connectivity: str) -> SymbolicInt:
    """len(interaction_pairs(...)), also for sympy sizes."""
    return dq * kv if connectivity == "all" else smax(dq, kv)


def score_pair_count(dq: SymbolicInt, kv: SymbolicInt, out: SymbolicInt, connectivity: str) -> SymbolicInt:
    """len(score_pairs(...)), also for sympy sizes."""
    return (dq + kv) * out if connectivity == "all" else dq + kv


def interaction_parameter_count(dq: int, kv: int, connectivity: str) -> int:
    return len(interaction_pairs(dq, kv, connectivity)) + dq + kv


def score_parameter_count(dq: int, kv: int, out: int, connectivity: str) -> int:
    return len(score_pairs(dq, kv, out, connectivity)) + 2 * out


def _angles(given: Optional[Tuple[float, ...]], count: int):
    if given is None:
        return [None] * count  # data-free: placeholder rotations, counted by formula
    if len(given) != count:
        raise ValueError(f"need {count} angles, got {len(given)}")
    return list(given)


def _rzz(bb: BloqBuilder, a: SoquetT, b: SoquetT, angle: float, eps: float, synthesize: bool):
    a, b = bb.add(CNOT(), ctrl=a, target=b)
    b = bb.add(rotation("z", angle, eps, synthesize), q=b)
    a, b = bb.add(CNOT(), ctrl=a, target=b)
    return a, b


@attrs.frozen
class QueryEncoding(Bloq):
    """Ry(angles[k]) on query qubit k."""

    dq: int
    angles: Optional[Tuple[float, ...]] = None
    eps: float = 1e-11
    synthesize: bool = True

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("query", QBit(), shape=(self.dq,))])

    def build_composite_bloq(self, bb: BloqBuilder, query) -> Dict[str, SoquetT]:
        query = list(query)
        for k, angle in enumerate(_angles(self.angles, self.dq)):
            query[k] = bb.add(rotation("y", angle, self.eps, self.synthesize), q=query[k])
        return {"query": query}

    def build_call_graph(self, ssa):
        if self.angles is not None:
            return super().build_call_graph(ssa)
        return {rotation("y", None, self.eps, self.synthesize): self.dq}


@attrs.frozen
class InteractionLayer(Bloq):
    """One layer of U_interact(theta) on the query and kv registers. Without angles, ``dq`` and
    ``kv`` may be sympy symbols (counted only)."""

    dq: SymbolicInt
    kv: SymbolicInt
    connectivity: str = "linear"
    angles: Optional[Tuple[float, ...]] = None
    eps: float = 1e-11
    synthesize: bool = True

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("query", QBit(), shape=(self.dq,)), Register("kv", QBit(), shape=(self.kv,))])

    @cached_property
    def pairs(self):
        return interaction_pairs(self.dq, self.kv, self.connectivity)

    def build_composite_bloq(self, bb: BloqBuilder, query, kv) -> Dict[str, SoquetT]:
        query, kv = list(query), list(kv)
        angles = _angles(self.angles, interaction_parameter_count(self.dq, self.kv, self.connectivity))
        for (q, k), angle in zip(self.pairs, angles):
            query[q], kv[k] = _rzz(bb, query[q], kv[k], angle, self.eps, self.synthesize)
        singles = angles[len(self.pairs):]
        for q in range(self.dq):
            query[q] = bb.add(rotation("y", singles[q], self.eps, self.synthesize), q=query[q])
        for k in range(self.kv):
            kv[k] = bb.add(rotation("y", singles[self.dq + k], self.eps, self.synthesize), q=kv[k])
        return {"query": query, "kv": kv}

    def build_call_graph(self, ssa):
        if self.angles is not None:
            return super().build_call_graph(ssa)
        pairs = interaction_pair_count(self.dq, self.kv, self.connectivity)
        return {
            CNOT(): 2 * pairs,
            rotation("z", None, self.eps, self.synthesize): pairs,
            rotation("y", None, self.eps, self.synthesize): self.dq + self.kv,
        }


@attrs.frozen
class ScoreLayer(Bloq):
    """One layer of U_score(phi) from the query and kv registers onto the output register.
    Without angles, ``dq``, ``kv`` and ``out`` may be sympy symbols (counted only)."""

    dq: SymbolicInt
    kv: SymbolicInt
    out: SymbolicInt
    connectivity: str = "linear"
    angles: Optional[Tuple[float, ...]] = None
    eps: float = 1e-11
    synthesize: bool = True

    @cached_property
    def signature(self) -> Signature:
        return Signature(
            [
                Register("query", QBit(), shape=(self.dq,)),
                Register("kv", QBit(), shape=(self.kv,)),
                Register("out", QBit(), shape=(self.out,)),
            ]
        )

    @cached_property
    def pairs(self):
        return score_pairs(self.dq, self.kv, self.out, self.connectivity)

    def build_composite_bloq(self, bb: BloqBuilder, query, kv, out) -> Dict[str, SoquetT]:
        sources = list(query) + list(kv)
        out = list(out)
        angles = _angles(self.angles, score_parameter_count(self.dq, self.kv, self.out, self.connectivity))
        pairs = len(self.pairs)
        for o in range(self.out):
            out[o] = bb.add(rotation("y", angles[pairs + o], self.eps, self.synthesize), q=out[o])
        for (s, o), angle in zip(self.pairs, angles):
            sources[s], out[o] = _rzz(bb, sources[s], out[o], angle, self.eps, self.synthesize)
        for o in range(self.out):
            out[o] = bb.add(rotation("y", angles[pairs + self.out + o], self.eps, self.synthesize), q=out[o])
        return {"query": sources[: self.dq], "kv": sources[self.dq :], "out": out}

    def build_call_graph(self, ssa):
        if self.angles is not None:
            return super().build_call_graph(ssa)
        pairs = score_pair_count(self.dq, self.kv, self.out, self.connectivity)
        return {
            CNOT(): 2 * pairs,
            rotation("z", None, self.eps, self.synthesize): pairs,
            rotation("y", None, self.eps, self.synthesize): 2 * self.out,
        }


@attrs.frozen
class PauliBasisChange(Bloq):
    """Rotate output qubit k so that a Z measurement reads the Pauli ``basis[k]`` (X, Y or Z):
    H for X, S^dagger then H for Y, nothing for Z. The Z measurements themselves follow in
    the exported circuit (one per output qubit) and are counted there."""

    basis: str

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("out", QBit(), shape=(len(self.basis),))])

    def build_composite_bloq(self, bb: BloqBuilder, out) -> Dict[str, SoquetT]:
        out = list(out)
        for k, letter in enumerate(self.basis):
            if letter == "Y":
                out[k] = bb.add(SGate(is_adjoint=True), q=out[k])
            if letter in "XY":
                out[k] = bb.add(Hadamard(), q=out[k])
        return {"out": out}

    def build_call_graph(self, ssa):
        counts: Dict[Bloq, int] = {}
        x_or_y = sum(1 for c in self.basis if c in "XY")
        y = self.basis.count("Y")
        if x_or_y:
            counts[Hadamard()] = x_or_y
        if y:
            counts[SGate(is_adjoint=True)] = y
        return counts


@bloq_example_of(QueryEncoding)
def _query_encoding() -> QueryEncoding:
    query_encoding = QueryEncoding(dq=2, angles=(0.3, 0.7))
    return query_encoding


@bloq_example_of(InteractionLayer)
def _interaction_layer() -> InteractionLayer:
    interaction_layer = InteractionLayer(dq=2, kv=2, angles=(0.1, 0.5, 0.9, 1.3, 1.7, 2.1))
    return interaction_layer


@bloq_example_of(ScoreLayer)
def _score_layer() -> ScoreLayer:
    score_layer = ScoreLayer(dq=2, kv=2, out=1)
    return score_layer


@bloq_example_of(PauliBasisChange)
def _pauli_basis_change() -> PauliBasisChange:
    pauli_basis_change = PauliBasisChange("XYZ")
    return pauli_basis_change


_QUERY_ENCODING_DOC = BloqDocSpec(
    bloq_cls=QueryEncoding, import_line="from qresource.qlaci.layers import QueryEncoding", examples=[_query_encoding])
_INTERACTION_LAYER_DOC = BloqDocSpec(
    bloq_cls=InteractionLayer, import_line="from qresource.qlaci.layers import InteractionLayer",
    examples=[_interaction_layer])
_SCORE_LAYER_DOC = BloqDocSpec(
    bloq_cls=ScoreLayer, import_line="from qresource.qlaci.layers import ScoreLayer", examples=[_score_layer])
_PAULI_BASIS_CHANGE_DOC = BloqDocSpec(
    bloq_cls=PauliBasisChange, import_line="from qresource.qlaci.layers import PauliBasisChange",
    examples=[_pauli_basis_change])
