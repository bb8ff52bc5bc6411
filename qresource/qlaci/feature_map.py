r"""The QRAM-controlled feature map U_F(K_j, V_j) of QLACI (paper, section 3.2.3, step 2).

Conditioned on |j> in the index register, U_F(K_j, V_j) = prod_k Rz(beta_jk) Ry(alpha_jk) acts on
the q_KV key/value qubits, alpha_j encoding K_j and beta_j encoding V_j (both already mapped to
angles classically). Two compilations:

``LoaderFeatureMap`` (data loading + phase-gradient rotations): one loader call writes the
2 q_KV fixed-point angle words of entry j (b bits each) into a work register, each word drives a
``PhaseGradientRotation`` (Ry as S H Rz H S^dagger), and the loader's adjoint erases the
words (the loader again, or QROAM's unload by measurement). Per access: 2 loader calls, 2 q_KV
Gidney adders of b bits, no arbitrary rotation.

``MultiplexedFeatureMap``: 2 q_KV uniformly controlled rotations on the index register
(Möttönen et al. 2004), 2^m rotations and 2^m CNOTs each, no ancilla, angles exact before
synthesis.

Both apply Rz(beta) Ry(alpha) to branch j up to a sign or phase that depends on j alone; since
the index register is never interfered again, such branch phases leave the output state
(1/N) sum_j rho_j unchanged.
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from typing import Dict, Optional, Tuple

import attrs
from qualtran import Bloq, BloqBuilder, BloqDocSpec, QBit, QUInt, Register, Signature, SoquetT
from qualtran.bloqs.basic_gates import Hadamard, SGate

from qresource.core.integers import address_width
from qresource.loaders.table_loader import make_loader
from qresource.machinery.examples import bloq_example_of
from qresource.qlaci.multiplexed_rotation import MultiplexedRotation
from qresource.qlaci.phase_rotation import PhaseGradientRotation


def pack_words(fields, bits: int) -> int:
    """Field f of an entry occupies bits [bits f, bits (f + 1)) of its loaded word."""
    word = 0
    for f, value in enumerate(fields):
        word |= int(value) << (bits * f)
    return word


@attrs.frozen
class LoaderFeatureMap(Bloq):
    """U_F through a data loader and a phase-gradient register.

    Args:
        n: number of entries N.
        kv: q_KV.
        bits: b, bits per loaded angle.
        loader: a loader bloq with registers ``address`` (index) and ``target`` (2 q_KV b bits),
            e.g. from ``qresource.loaders.table_loader.make_loader``.

    Registers:
        index: QUInt(ceil(log2 N)); kv: q_KV qubits; phase_grad: QUInt(b) phase-gradient state.
    """

    n: int
    kv: int
    bits: int
    loader: Bloq

    @cached_property
    def index_bits(self) -> int:
        return address_width(self.n)

    @cached_property
    def word_bits(self) -> int:
        return 2 * self.kv * self.bits

    @cached_property
    def signature(self) -> Signature:
        return Signature(
            [
                Register("index", QUInt(self.index_bits)),
                Register("kv", QBit(), shape=(self.kv,)),
                Register("phase_grad", QUInt(self.bits)),
            ]
        )

    def build_composite_bloq(self, bb: BloqBuilder, index, kv, phase_grad) -> Dict[str, SoquetT]:
        kv = list(kv)
        target_dtype = self.loader.signature.get_left("target").dtype
        word = bb.allocate(dtype=target_dtype)
        index, word = bb.add(self.loader, address=index, target=word)
        qubits = bb.split(word)  # big-endian: field f at positions [W - b (f + 1), W - b f)
        width, b = self.word_bits, self.bits
        for k in range(self.kv):
            for f, axis in ((2 * k, "y"), (2 * k + 1, "z")):
                lo, hi = width - b * (f + 1), width - b * f
                field = bb.join(qubits[lo:hi], dtype=QUInt(b))
                if axis == "y":
                    kv[k] = bb.add(SGate(is_adjoint=True), q=kv[k])
                    kv[k] = bb.add(Hadamard(), q=kv[k])
                field, phase_grad, kv[k] = bb.add(PhaseGradientRotation(b), angle=field, phase_grad=phase_grad, target=kv[k])
                if axis == "y":
                    kv[k] = bb.add(Hadamard(), q=kv[k])
                    kv[k] = bb.add(SGate(), q=kv[k])
                qubits[lo:hi] = bb.split(field)
        word = bb.join(qubits, dtype=target_dtype)
        # the loader's adjoint: the loader again, or QROAM's unload by measurement
        index, word = bb.add(self.loader.adjoint(), address=index, target=word)
        bb.free(word)
        return {"index": index, "kv": kv, "phase_grad": phase_grad}

    def build_call_graph(self, ssa):
        counts = Counter({self.loader: 1})
        counts[self.loader.adjoint()] += 1
        return dict(counts) | {
            PhaseGradientRotation(self.bits): 2 * self.kv,
            Hadamard(): 2 * self.kv,
            SGate(): self.kv,
            SGate(is_adjoint=True): self.kv,
        }

    def __str__(self) -> str:
        return f"LoaderFeatureMap(n={self.n}, kv={self.kv}, b={self.bits})"


@attrs.frozen
class MultiplexedFeatureMap(Bloq):
    """U_F as 2 q_KV multiplexed rotations: Ry(alpha[j][k]) then Rz(beta[j][k]) on kv qubit k.

    ``alpha`` and ``beta`` are tuples over k of tuples over j, or None (data-free)."""

    n: int
    kv: int
    alpha: Optional[Tuple[Tuple[float, ...], ...]] = None
    beta: Optional[Tuple[Tuple[float, ...], ...]] = None
    eps: float = 1e-11
    synthesize: bool = True

    @cached_property
    def index_bits(self) -> int:
        return address_width(self.n)

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("index", QUInt(self.index_bits)), Register("kv", QBit(), shape=(self.kv,))])

    def _rotation(self, axis: str, k: int) -> MultiplexedRotation:
        table = self.alpha if axis == "y" else self.beta
        angles = None if table is None else tuple(float(a) for a in table[k])
        return MultiplexedRotation(self.index_bits, axis, angles, self.eps, self.synthesize)

    def build_composite_bloq(self, bb: BloqBuilder, index, kv) -> Dict[str, SoquetT]:
        kv = list(kv)
        for k in range(self.kv):
            for axis in ("y", "z"):
                index, kv[k] = bb.add(self._rotation(axis, k), selection=index, target=kv[k])
        return {"index": index, "kv": kv}

    def build_call_graph(self, ssa):
        if self.alpha is not None:
            return super().build_call_graph(ssa)
        return {self._rotation("y", 0): self.kv, self._rotation("z", 0): self.kv}

    def __str__(self) -> str:
        return f"MultiplexedFeatureMap(n={self.n}, kv={self.kv})"


@bloq_example_of(LoaderFeatureMap)
def _loader_feature_map() -> LoaderFeatureMap:
    """N = 4 keys, one key/value qubit, 3-bit angles: each word holds alpha_j and beta_j."""
    loader_feature_map = LoaderFeatureMap(4, 1, 3, make_loader("qrom", 4, 6, [1, 7, 30, 63]))
    return loader_feature_map


@bloq_example_of(MultiplexedFeatureMap)
def _multiplexed_feature_map() -> MultiplexedFeatureMap:
    multiplexed_feature_map = MultiplexedFeatureMap(n=4, kv=1)
    return multiplexed_feature_map


_LOADER_FEATURE_MAP_DOC = BloqDocSpec(
    bloq_cls=LoaderFeatureMap, import_line="from qresource.qlaci.feature_map import LoaderFeatureMap",
    examples=[_loader_feature_map])
_MULTIPLEXED_FEATURE_MAP_DOC = BloqDocSpec(
    bloq_cls=MultiplexedFeatureMap, import_line="from qresource.qlaci.feature_map import MultiplexedFeatureMap",
    examples=[_multiplexed_feature_map])
