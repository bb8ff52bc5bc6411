r"""The QLACI primitive (Quantum Log-Attention via Conditional Interaction) as one bloq.

QLACI paper, section 3.2.3, for one query Q_i:

1. U_enc,Q(Q_i) on the query register; H on each of the ceil(log2 N) index qubits, giving
   N^{-1/2} sum_j |j> (causal form: (i + 1)^{-1/2} sum_{j<=i} |j>, ``PrefixSuperposition``);
2. the feature map U_F(K_j, V_j) on the key/value register, controlled by the index register
   (``LoaderFeatureMap`` or ``MultiplexedFeatureMap``), then ``layers`` interaction layers
   U_interact(theta);
3. ``layers`` score layers U_score(phi) onto the output register;
4. (``QlaciShot``) the basis change for measuring Pauli observables on the output register.

Registers (section 3.2.2): ``query`` (q_Q qubits), ``index`` (QUInt(ceil(log2 N))), ``kv`` (q_KV),
``out`` (q_out); the loader feature map adds a b-qubit phase-gradient register and the loader's
own work qubits, all allocated and returned to |0> inside.

Because nothing after U_F touches the index register, the reduced state of the other registers is
(1/N) sum_j |psi_j><psi_j| with |psi_j> the same circuit run with the index fixed to j, so the
measured expectation is c_i = (1/N) sum_j f(Q_i, K_j, V_j): a uniform average of per-key terms.
"""

from __future__ import annotations

from functools import cached_property
from typing import Dict, Optional, Tuple

import attrs
from qualtran import Bloq, BloqBuilder, BloqDocSpec, QBit, QUInt, Register, Signature, SoquetT
from qualtran.bloqs.basic_gates import Hadamard

from qresource.core.integers import address_width
from qresource.machinery.examples import bloq_example_of
from qresource.qlaci.causal import PrefixSuperposition
from qresource.qlaci.feature_map import LoaderFeatureMap, MultiplexedFeatureMap, pack_words
from qresource.qlaci.layers import (
    InteractionLayer,
    PauliBasisChange,
    QueryEncoding,
    ScoreLayer,
    interaction_parameter_count,
    score_parameter_count,
)
from qresource.qlaci.phase_rotation import PhaseGradientPrep, quantize_angle


@attrs.frozen
class QlaciAngles:
    """Every angle of one QLACI circuit, in radians.

    query: q_Q angles; theta: ``layers`` tuples of interaction angles; phi: ``layers`` tuples of
    score angles; alpha, beta: for each key/value qubit k, the N angles alpha[k][j], beta[k][j].
    """

    query: Tuple[float, ...]
    theta: Tuple[Tuple[float, ...], ...]
    phi: Tuple[Tuple[float, ...], ...]
    alpha: Tuple[Tuple[float, ...], ...]
    beta: Tuple[Tuple[float, ...], ...]


@attrs.frozen
class Qlaci(Bloq):
    """One QLACI circuit for one query (before measurement).

    Args:
        n, dq, kv, out, layers: N, q_Q, q_KV, q_out and the depth of U_interact and U_score.
        connectivity: ``linear`` or ``all`` (see ``qlaci_layers``).
        feature_map: ``loader`` or ``multiplexed``.
        loader: a loader bloq factory result for the loader feature map, built by the caller
            (registers ``address``, ``target`` of 2 q_KV b bits); None for ``multiplexed``.
        angle_bits: b, bits per loaded angle (loader feature map only).
        eps: synthesis precision of every arbitrary rotation.
        synthesize: rotations as Clifford+T words (True) or as rotations left for synthesis.
        angles: the circuit's angles, or None for a data-free instance (counts, structure).
        index_count: None: the index in uniform superposition over all N values (Hadamards);
            i + 1: over 0..i only (causal query i, :mod:`qresource.qlaci.causal`).
    """

    n: int
    dq: int
    kv: int
    out: int
    layers: int = 1
    connectivity: str = "linear"
    feature_map: str = "loader"
    loader: Optional[Bloq] = None
    angle_bits: int = 0
    eps: float = 1e-11
    synthesize: bool = True
    angles: Optional[QlaciAngles] = None
    index_count: Optional[int] = None

    def __attrs_post_init__(self):
        if self.feature_map == "loader" and (self.loader is None or self.angle_bits < 3):
            raise ValueError("the loader feature map needs a loader bloq and angle_bits >= 3")

    @cached_property
    def index_bits(self) -> int:
        return address_width(self.n)

    @cached_property
    def signature(self) -> Signature:
        return Signature(
            [
                Register("query", QBit(), shape=(self.dq,)),
                Register("index", QUInt(self.index_bits)),
                Register("kv", QBit(), shape=(self.kv,)),
                Register("out", QBit(), shape=(self.out,)),
            ]
        )

    def _layer_angles(self, which: str, layer: int):
        if self.angles is None:
            return None
        return tuple(getattr(self.angles, which)[layer])

    @cached_property
    def query_encoding(self) -> QueryEncoding:
        return QueryEncoding(self.dq, None if self.angles is None else tuple(self.angles.query), self.eps, self.synthesize)

    @cached_property
    def feature_map_bloq(self) -> Bloq:
        if self.feature_map == "loader":
            return LoaderFeatureMap(self.n, self.kv, self.angle_bits, self.loader)
        if self.angles is None:
            return MultiplexedFeatureMap(self.n, self.kv, None, None, self.eps, self.synthesize)
        return MultiplexedFeatureMap(self.n, self.kv, self.angles.alpha, self.angles.beta, self.eps, self.synthesize)

    def interaction(self, layer: int) -> InteractionLayer:
        return InteractionLayer(self.dq, self.kv, self.connectivity, self._layer_angles("theta", layer), self.eps, self.synthesize)

    def score(self, layer: int) -> ScoreLayer:
        return ScoreLayer(self.dq, self.kv, self.out, self.connectivity, self._layer_angles("phi", layer), self.eps, self.synthesize)

    @cached_property
    def index_prep(self) -> Optional[PrefixSuperposition]:
        """The causal index preparation, or None (Hadamards on every index qubit)."""
        if self.index_count is None:
            return None
        return PrefixSuperposition(self.index_bits, self.index_count, self.eps, self.synthesize,
                                   exact_angles=self.angles is not None)

    @cached_property
    def phase_gradient(self) -> PhaseGradientPrep:
        return PhaseGradientPrep(self.angle_bits, eps=self.eps, synthesize=self.synthesize,
                                 exact_angles=self.angles is not None)

    def build_composite_bloq(self, bb: BloqBuilder, query, index, kv, out) -> Dict[str, SoquetT]:
        query = bb.add(self.query_encoding, query=query)
        if self.index_prep is not None:
            index = bb.add(self.index_prep, index=index)
        else:
            idx = bb.split(index)
            for k in range(self.index_bits):
                idx[k] = bb.add(Hadamard(), q=idx[k])
            index = bb.join(idx, dtype=QUInt(self.index_bits))
        if self.feature_map == "loader":
            phase_grad = bb.add(self.phase_gradient)
            index, kv, phase_grad = bb.add(self.feature_map_bloq, index=index, kv=kv, phase_grad=phase_grad)
            bb.add(self.phase_gradient.adjoint(), phase_grad=phase_grad)
        else:
            index, kv = bb.add(self.feature_map_bloq, index=index, kv=kv)
        for layer in range(self.layers):
            query, kv = bb.add(self.interaction(layer), query=query, kv=kv)
        for layer in range(self.layers):
            query, kv, out = bb.add(self.score(layer), query=query, kv=kv, out=out)
        return {"query": query, "index": index, "kv": kv, "out": out}

    def build_call_graph(self, ssa):
        if self.angles is not None:
            return super().build_call_graph(ssa)
        counts: Dict[Bloq, int] = {self.query_encoding: 1}
        if self.index_prep is not None:
            counts[self.index_prep] = 1
        else:
            counts[Hadamard()] = self.index_bits
        if self.feature_map == "loader":
            counts[self.feature_map_bloq] = 1
            counts[self.phase_gradient] = 1
            counts[self.phase_gradient.adjoint()] = 1
        else:
            counts[self.feature_map_bloq] = 1
        if self.layers:
            counts[self.interaction(0)] = self.layers
            counts[self.score(0)] = self.layers
        return counts

    def __str__(self) -> str:
        causal = "" if self.index_count is None else f", keys 0..{self.index_count - 1}"
        return f"Qlaci(n={self.n}, dq={self.dq}, kv={self.kv}, out={self.out}, L={self.layers}, {self.feature_map}{causal})"


@attrs.frozen
class QlaciShot(Bloq):
    """One shot up to the measurement: ``Qlaci`` followed by the basis change that makes a Z
    measurement of each output qubit read the Pauli ``basis`` (one letter X, Y or Z per output
    qubit). The q_out Z measurements close the exported circuit and are counted with it;
    ``query``, ``index`` and ``kv`` are never measured (the index register is traced out)."""

    circuit: Qlaci
    basis: str

    def __attrs_post_init__(self):
        if len(self.basis) != self.circuit.out or set(self.basis) - set("XYZ"):
            raise ValueError(f"basis must be {self.circuit.out} letters from XYZ, got {self.basis!r}")

    @cached_property
    def signature(self) -> Signature:
        return self.circuit.signature

    def build_composite_bloq(self, bb: BloqBuilder, query, index, kv, out) -> Dict[str, SoquetT]:
        query, index, kv, out = bb.add(self.circuit, query=query, index=index, kv=kv, out=out)
        if set(self.basis) != {"Z"}:
            out = bb.add(PauliBasisChange(self.basis), out=out)
        return {"query": query, "index": index, "kv": kv, "out": out}

    def build_call_graph(self, ssa):
        if set(self.basis) == {"Z"}:
            return {self.circuit: 1}
        return {self.circuit: 1, PauliBasisChange(self.basis): 1}


def loader_words(angles: QlaciAngles, kv: int, bits: int) -> Tuple[int, ...]:
    """The word loaded for entry j: fields (alpha_j0, beta_j0, alpha_j1, ...) quantised to b bits."""
    n = len(angles.alpha[0])
    words = []
    for j in range(n):
        fields = []
        for k in range(kv):
            fields.append(quantize_angle(angles.alpha[k][j], bits))
            fields.append(quantize_angle(angles.beta[k][j], bits))
        words.append(pack_words(fields, bits))
    return tuple(words)


def parameter_counts(dq: int, kv: int, out: int, connectivity: str) -> Tuple[int, int]:
    """(angles per interaction layer, angles per score layer)."""
    return interaction_parameter_count(dq, kv, connectivity), score_parameter_count(dq, kv, out, connectivity)


@bloq_example_of(Qlaci)
def _qlaci_small() -> Qlaci:
    qlaci_small = Qlaci(n=4, dq=2, kv=1, out=1, feature_map="multiplexed")
    return qlaci_small


@bloq_example_of(QlaciShot)
def _qlaci_shot() -> QlaciShot:
    qlaci_shot = QlaciShot(Qlaci(n=4, dq=2, kv=1, out=1, feature_map="multiplexed"), basis="X")
    return qlaci_shot


_QLACI_DOC = BloqDocSpec(
    bloq_cls=Qlaci, import_line="from qresource.qlaci.attention_bloq import Qlaci", examples=[_qlaci_small])
_QLACI_SHOT_DOC = BloqDocSpec(
    bloq_cls=QlaciShot, import_line="from qresource.qlaci.attention_bloq import QlaciShot", examples=[_qlaci_shot])
