r"""Causal (prefix) QLACI: query i attends over keys 0..i only.

The index register keeps its ceil(log2 N) qubits (the feature map still addresses all N
entries), but instead of H on every qubit it is prepared in

    (i + 1)^{-1/2} sum_{j=0}^{i} |j>,

so the traced-out index gives c_i = (1/(i+1)) sum_{j<=i} f(Q_i, K_j, V_j). The preparation is
Qualtran's ``PrepareUniformSuperposition`` (Babbush et al. 2018, "Encoding Electronic Spectra in
Quantum Circuits with Linear T Complexity", arXiv:1805.03662, Fig. 12) on the low
bit_length(i) qubits of the index register: with i + 1 = L 2^k, L odd, H on those qubits,
then, if L > 1, one round of amplitude amplification on the top log L of them, built from a
comparator against L, an AND of log L inverted controls and two Z rotations by
theta = arccos(1 - 2^floor(log2 L) / L).

Those two rotations are not Clifford+T; ``PrefixSuperposition`` takes Qualtran's decomposition
as it is and replaces each by the project's rotation leaf (:func:`qresource.qlaci.rotation.rotation`):
a gridsynth word for the actual angle when the circuit's angles are known, the Ross-Selinger
formula count otherwise, like every other rotation of a QLACI shot.

Cost of a causal head: query i costs the non-causal shot with the index Hadamards replaced by the
preparation of i + 1 values; its T, Toffoli, rotation and measurement counts and its qubits
depend on i only through the bit length w = bit_length(i) and the trailing zeros k of i + 1
(:func:`prefix_groups`), so a head's sum over i = 0..N-1 is a sum over
about log2(N)^2 / 2 groups (w in 0..log2 N, k in 0..w; see ``prefix_groups``). The Clifford
count and depth also depend on the bits of L (the comparator's constant), so they are given per
shot, never summed per head.
"""

from __future__ import annotations

from functools import cached_property
from typing import Dict

import attrs
from qualtran import Bloq, BloqBuilder, BloqDocSpec, LeftDangle, QUInt, Signature, Soquet, SoquetT
from qualtran.bloqs.basic_gates import Rz
from qualtran.bloqs.state_preparation import PrepareUniformSuperposition

from qresource.machinery.examples import bloq_example_of
from qresource.qlaci.rotation import rotation


@attrs.frozen
class PrefixSuperposition(Bloq):
    r"""Uniform superposition over the first ``count`` values of a ``width``-bit index register.

    Args:
        width: qubits of the index register (ceil(log2 N)).
        count: i + 1, the number of values, 1 <= count <= 2^width.
        eps: synthesis precision of the two amplitude-amplification rotations.
        synthesize: rotations as Clifford+T words (True) or Qualtran ``Rz`` (False).
        exact_angles: with ``synthesize``, the gridsynth word of the actual angle (True) or the
            Ross-Selinger formula count (False, what a data-free estimate charges).

    Registers:
        index: QUInt(width), |0> on the way in, (count)^{-1/2} sum_{j<count} |j> on the way out.

    References:
        [Encoding Electronic Spectra in Quantum Circuits with Linear T Complexity](https://arxiv.org/abs/1805.03662).
        Babbush et al. 2018, Fig. 12 (through Qualtran's ``PrepareUniformSuperposition``).
    """

    width: int
    count: int
    eps: float = 1e-11
    synthesize: bool = True
    exact_angles: bool = False

    def __attrs_post_init__(self):
        if not 1 <= self.count <= 2**self.width:
            raise ValueError(f"count must lie in [1, 2^{self.width}], got {self.count}")

    @cached_property
    def signature(self) -> Signature:
        return Signature.build_from_dtypes(index=QUInt(self.width))

    @cached_property
    def prepared_bits(self) -> int:
        """bit_length(count - 1): the low qubits of the index that the preparation acts on."""
        return (self.count - 1).bit_length()

    @cached_property
    def uniform(self) -> PrepareUniformSuperposition:
        return PrepareUniformSuperposition(self.count)

    def _rotation(self, bloq: Rz) -> Bloq:
        angle = float(bloq.angle)
        known = self.exact_angles or not self.synthesize
        return rotation("z", angle if known else None, self.eps, self.synthesize)

    def _add_uniform(self, bb: BloqBuilder, target: SoquetT) -> SoquetT:
        """Qualtran's decomposition of the preparation, its Rz leaves replaced by ours."""
        cbloq = self.uniform.decompose_bloq()
        soq_map = [(Soquet(LeftDangle, cbloq.signature.get_left("target")), target)]
        for binst, in_soqs, old_out_soqs in cbloq.iter_bloqsoqs():
            in_soqs = bb.map_soqs(in_soqs, soq_map)
            bloq = self._rotation(binst.bloq) if isinstance(binst.bloq, Rz) else binst.bloq
            new_out_soqs = bb.add_t(bloq, **in_soqs)
            soq_map.extend(zip(old_out_soqs, new_out_soqs))
        return bb.map_soqs(cbloq.final_soqs(), soq_map)["target"]

    def build_composite_bloq(self, bb: BloqBuilder, index: SoquetT) -> Dict[str, SoquetT]:
        low = self.prepared_bits
        if low == 0:
            return {"index": index}
        if low == self.width:
            return {"index": self._add_uniform(bb, index)}
        bits = bb.split(index)  # most significant bit first: the low bits are the last ones
        target = self._add_uniform(bb, bb.join(bits[self.width - low:], dtype=QUInt(low)))
        bits[self.width - low:] = bb.split(target)
        return {"index": bb.join(bits, dtype=QUInt(self.width))}

    def __str__(self) -> str:
        return f"PrefixSuperposition({self.count} of 2^{self.width})"


def prefix_groups(n: int) -> dict[tuple[int, int], tuple[int, int]]:
    """The queries i = 0..n-1 grouped by (w, k) = (bit_length(i), trailing zeros of i + 1):
    ``{(w, k): (how many i, a representative i)}``, from a closed form, not a loop over i.

    For i + 1 = L 2^k with L odd, w = bit_length(L 2^k - 1) = bit_length(L - 1) + k when L > 1,
    and w = k for L = 1. So the group (w, k) with w > k holds the odd L with
    bit_length(L - 1) = w - k, i.e. L - 1 in [2^(w-k-1), 2^(w-k)), L <= n / 2^k; the group (k, k)
    holds only i + 1 = 2^k.
    """
    groups: dict[tuple[int, int], tuple[int, int]] = {}
    k = 0
    while 2**k <= n:
        groups[(k, k)] = (1, 2**k - 1)
        top = n // 2**k  # largest L
        b = 2  # bit_length(L - 1) of an odd L >= 3
        while 2 ** (b - 1) + 1 <= top:
            low_l = 2 ** (b - 1) + 1  # the smallest L with bit_length(L - 1) = b, odd
            high_l = min(2**b + 1, top + 1)  # exclusive bound
            count = (high_l - low_l + 1) // 2  # odd L in [low_l, high_l)
            if count > 0:
                groups[(b + k, k)] = (count, low_l * 2**k - 1)
            b += 1
        k += 1
    return groups


@bloq_example_of(PrefixSuperposition)
def _prefix_superposition() -> PrefixSuperposition:
    prefix_superposition = PrefixSuperposition(width=3, count=5, synthesize=False)
    return prefix_superposition


_PREFIX_SUPERPOSITION_DOC = BloqDocSpec(
    bloq_cls=PrefixSuperposition, import_line="from qresource.qlaci.causal import PrefixSuperposition",
    examples=[_prefix_superposition])
