"""Routing bucket-brigade QRAM over a classical table, as a Qualtran bloq that reaches Clifford+T.

The bucket brigade of Giovannetti, Lloyd and Maccone (PRL 100, 160501 (2008); PRA 78, 052310
(2008)): a binary tree of routers in which the address bits themselves travel down, one after
another, each routed by the routers already set and stored in the first router it reaches; a
bus is then routed down the active path to the table, picks up the word and is routed back.
Only the routers on the active path ever hold anything but |0>, which is what makes the
architecture resilient to noise (Hann et al., PRX Quantum 2, 020311 (2021)).

Circuit form used here (derivation and counts in docs/loaders.md):

* **Qubit routers.** Each router is one qubit (0 = route left, 1 = route right), as in Hann et
  al.'s qubit-router model, not a qutrit with a wait state: a router off the active path holds
  |0> and routes only |0>, so a wait state would carry no information here. Hann et al. show
  the noise resilience holds for qubit routers too.
* **Routing one qubit through one router** into two wires known to hold |0>: the right wire
  gets ``AND(router, qubit)`` (one temporary AND) and the qubit's own wire becomes the left
  one after ``qubit ^= right`` (one CNOT). A routing step acts on every router of the level,
  most of them idle (:class:`~qresource.loaders.fanout.RouterLevel`), and is undone by the
  CNOT and a measurement-based AND uncomputation (Gidney 2018, arXiv:1709.06648, Fig. 3).
* **Address.** Bit a_0 (the most significant) is the root router. Bit a_l is routed down
  levels 0..l-1 (2^l - 1 ANDs) and its wires at level l become the routers of level l: one of
  them holds a_l, the others |0>. In the as-soon-as-possible schedule bit a_(l+1) follows a_l
  one level behind, so loading the address takes O(n) layers.
* **Bus** (:class:`BusBit`), one bit of the word at a time: the target qubit itself is the bus.
  It is turned to the X basis (H), routed down levels 0..n-2, gets the phase (-1)^(data bit) at
  the last router level from classically chosen Clifford gates, is routed back up and turned
  back (H): ``target_i ^= bit i of data[address]``. At the last level a router r with wire w
  and leaves (d_left, d_right) applies Z(w) if d_left = d_right = 1, CZ(r, w) if only d_right
  is 1, and Z(w) CZ(r, w) if only d_left is 1: routing the bus into the two leaves and back
  would cost one more AND per router for nothing.

Non-power-of-two N: the tree has P = 2^ceil(log2 N) leaves, leaves N..P-1 hold the word 0.
Costs: P - n - 1 ANDs for the address and P/2 - 1 per bit of the word; 3 P / 2 + b - 2 qubits.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Optional

import numpy as np
import sympy
from attrs import field, frozen
from qualtran import Bloq, BloqBuilder, BloqDocSpec, BQUInt, QBit, QUInt, Register, Signature, SoquetT
from qualtran.bloqs.basic_gates import CNOT, CZ, Hadamard, ZGate
from qualtran.bloqs.mcmt.and_bloq import And
from qualtran.symbolics import SymbolicInt, is_symbolic

from qresource.core.errors import QResourceError
from qresource.loaders import closed_forms as closed_forms_loaders
from qresource.loaders.closed_forms import LEAF_PHASE_GATES
from qresource.loaders.fanout import RouterLevel, address_bits, reject_symbolic_sizes
from qresource.loaders.kinds import LoaderKind
from qresource.loaders.table_words import data_tuple, loaded_word
from qresource.machinery.examples import bloq_example_of

if TYPE_CHECKING:
    from qualtran.resource_counting import BloqCountDictT, CostKey, SympySymbolAllocator
    from qualtran.simulation.classical_sim import ClassicalValT



def _bit(data: Optional[tuple[int, ...]], n_words: int, bits: int, word: int, bit: int) -> int:
    """Bit ``bit`` (0 = most significant) of word ``word``: 0 beyond the table, 1 without data."""
    if word >= n_words:
        return 0
    if data is None:
        return 1
    return (data[word] >> (bits - 1 - bit)) & 1


def leaf_pattern(d_left: int, d_right: int) -> tuple[str, ...]:
    """Clifford gates that give the wire of a last-level router the phase (-1)^d of the leaf it
    points to (:data:`~qresource.loaders.closed_forms.LEAF_PHASE_GATES`)."""
    return LEAF_PHASE_GATES[(d_left, d_right)]


@frozen
class LeafPhase(Bloq):
    """Phase (-1)^(bit ``bit`` of the word at the leaf the bus points to), on the bus wires of
    the last router level.

    Registers: ``routers`` (the P/2 routers of level n - 1), ``wires`` (their P/2 bus wires).
    Per router, the gates of :func:`leaf_pattern`; diagonal, so the bloq is its own inverse.
    """

    n_words: SymbolicInt
    bits: SymbolicInt
    bit: int
    data: Optional[tuple[int, ...]] = field(default=None, converter=data_tuple)

    @cached_property
    def pairs(self) -> SymbolicInt:
        leaves = 2 ** address_bits(self.n_words)
        return leaves / 2 if is_symbolic(leaves) else leaves // 2

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("routers", QBit(), shape=(self.pairs,)),
                          Register("wires", QBit(), shape=(self.pairs,))])

    def gates(self, pair: int) -> tuple[str, ...]:
        return leaf_pattern(_bit(self.data, self.n_words, self.bits, 2 * pair, self.bit),
                            _bit(self.data, self.n_words, self.bits, 2 * pair + 1, self.bit))

    def build_composite_bloq(self, bb: BloqBuilder, routers, wires):
        routers, wires = np.array(routers), np.array(wires)
        for pair in range(self.pairs):
            for gate in self.gates(pair):
                if gate == "z":
                    wires[pair] = bb.add(ZGate(), q=wires[pair])
                else:
                    routers[pair], wires[pair] = bb.add(CZ(), q1=routers[pair], q2=wires[pair])
        return {"routers": routers, "wires": wires}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        if self.data is None:
            # every bit of the N words 1: a Z per full pair, Z and CZ for a last word alone
            lone = self.n_words % 2
            counts = {ZGate(): self.n_words // 2 + lone, CZ(): lone}
            return {gate: count for gate, count in counts.items() if count}
        counts: dict[Bloq, int] = {}
        for pair in range(self.pairs):
            for gate in self.gates(pair):
                key = ZGate() if gate == "z" else CZ()
                counts[key] = counts.get(key, 0) + 1
        return counts

    def adjoint(self) -> "LeafPhase":
        return self

    def on_classical_vals(self, routers, wires) -> dict[str, "ClassicalValT"]:
        return {"routers": routers, "wires": wires}


@frozen
class BusBit(Bloq):
    """One trip of the bus: ``bus ^= bit ``bit`` of data[x]``, x the leaf the routers point to.

    Registers: ``routers`` (the P - 1 router qubits in heap order: level m, position p at index
    2^m - 1 + p), ``bus`` (one qubit; the target bit). Decomposition: H, routing down levels
    0..n-2 (:class:`~qresource.loaders.fanout.RouterLevel`), :class:`LeafPhase`, routing back
    up (measurement-based), H.

    Its gates are not classical one by one (H, phases), but its action on basis states is, so
    the bit-sliced simulator applies it whole (:meth:`packed_action`) when the routers hold a
    path; the statevector check runs its gates.
    """

    n_words: SymbolicInt
    bits: SymbolicInt
    bit: int
    data: Optional[tuple[int, ...]] = field(default=None, converter=data_tuple)

    @cached_property
    def levels(self) -> int:
        return address_bits(self.n_words)

    @cached_property
    def leaves(self) -> int:
        return 2**self.levels

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("routers", QBit(), shape=(self.leaves - 1,)), Register("bus", QBit())])

    @cached_property
    def leaf_phase(self) -> LeafPhase:
        return LeafPhase(self.n_words, self.bits, self.bit, self.data)

    def build_composite_bloq(self, bb: BloqBuilder, routers, bus):
        reject_symbolic_sizes(self, self.n_words, self.bits)
        routers = np.array(routers)
        level_routers = [routers[2**m - 1: 2 ** (m + 1) - 1] for m in range(self.levels)]
        bus = bb.add(Hadamard(), q=bus)
        wires = np.array([bus])
        for m in range(self.levels - 1):
            wires, level_routers[m], right = bb.add(RouterLevel(m), flags=wires, copies=level_routers[m])
            children = np.empty(2 * len(wires), dtype=object)
            children[0::2], children[1::2] = wires, right
            wires = children
        if self.leaf_phase.build_call_graph(None):
            level_routers[-1], wires = bb.add(self.leaf_phase, routers=level_routers[-1], wires=wires)
        for m in range(self.levels - 2, -1, -1):
            wires, level_routers[m] = bb.add(
                RouterLevel(m, uncompute=True), flags=wires[0::2], copies=level_routers[m], right=wires[1::2])
        bus = bb.add(Hadamard(), q=wires[0])
        return {"routers": np.concatenate(level_routers), "bus": bus}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        counts: dict[Bloq, int] = {Hadamard(): 2}
        if is_symbolic(self.n_words):
            # levels 0..n-2 summed: 2^m routers at level m, P/2 - 1 in all, each taking the bus
            # by one AND and one CNOT and returning it by one CNOT and a measured uncomputation
            routers = self.leaves / 2 - 1
            counts.update({And(): routers, And(uncompute=True): routers, CNOT(): 2 * routers})
        else:
            for m in range(self.levels - 1):
                counts[RouterLevel(m)] = 1
                counts[RouterLevel(m, uncompute=True)] = 1
        if self.leaf_phase.build_call_graph(None):
            counts[self.leaf_phase] = 1
        return counts

    def leaf_of(self, routers) -> int:
        """The leaf the routers point to (following them from the root)."""
        node = 0
        for _ in range(self.levels):
            node = 2 * node + 1 + int(routers[node])
        return node - (self.leaves - 1)

    def on_classical_vals(self, routers, bus) -> dict[str, "ClassicalValT"]:
        leaf = self.leaf_of(routers)
        return {"routers": routers, "bus": int(bus) ^ _bit(self.data, self.n_words, self.bits, leaf, self.bit)}

    def packed_action(self, words: list[np.ndarray], mask: np.ndarray) -> None:
        """:meth:`on_classical_vals` on bit-sliced words (one per wire, in signature order), in
        place: the leaf indicators are ANDs of the routers along each path. Routers that do
        not hold a one-hot path (an off-path router not |0>) are reported: the gates would then
        entangle the bus with them."""
        active = [mask.copy()]
        for m in range(self.levels):
            level = words[2**m - 1: 2 ** (m + 1) - 1]
            stray = np.zeros_like(mask)
            for p, router in enumerate(level):
                stray |= router & ~active[p] & mask
            if stray.any():
                raise QResourceError("a router off the active path is not |0>")
            children = []
            for p, router in enumerate(level):
                children += [active[p] & ~router & mask, active[p] & router]
            active = children
        flip = np.zeros_like(mask)
        for leaf, indicator in enumerate(active):
            if _bit(self.data, self.n_words, self.bits, leaf, self.bit):
                flip ^= indicator
        words[-1] ^= flip

    def adjoint(self) -> "BusBit":
        return self

    def __str__(self) -> str:
        return f"BusBit({self.n_words}x{self.bits}, bit {self.bit})"


@frozen
class BucketBrigadeQRAM(Bloq):
    """Routing bucket-brigade QRAM: ``target ^= data[address]`` for ``n_words`` b-bit words.

    Giovannetti, Lloyd, Maccone, PRL 100, 160501 (2008); qubit routers as in Hann et al., PRX
    Quantum 2, 020311 (2021); temporary ANDs uncomputed by measurement (Gidney 2018). See the
    module docstring and docs/loaders.md.

    Args:
        n_words: N >= 2, the number of words (the tree is padded to 2^ceil(log2 N) leaves).
        bits: b >= 1, the word size.
        data: the N words (ints in [0, 2^b)), or None to count the shape only (every bit 1,
            which only changes Clifford counts and depth).

    Registers:
        address: ceil(log2 N) qubits, big-endian (Qualtran's QUInt order); a_0 sets the root.
        target: b qubits, XORed with the addressed word; each is the bus for its bit.

    References:
        [Quantum random access memory](https://arxiv.org/abs/0708.1879). Giovannetti, Lloyd,
        Maccone (2008). [Resilience of quantum random access memory to generic
        noise](https://arxiv.org/abs/2012.05340). Hann et al. (2021), section II.
    """

    n_words: SymbolicInt
    bits: SymbolicInt
    data: Optional[tuple[int, ...]] = field(default=None, converter=data_tuple)
    kind = LoaderKind.BUCKET_BRIGADE

    def __attrs_post_init__(self):
        if is_symbolic(self.n_words, self.bits):
            if self.data is not None:
                raise ValueError("a bucket brigade with symbolic sizes is counted by shape only (data=None)")
            return
        if self.n_words < 2:
            raise ValueError(f"a bucket brigade needs at least 2 words, got {self.n_words}")
        if self.bits < 1:
            raise ValueError(f"word size must be at least 1 bit, got {self.bits}")
        if self.data is not None:
            if len(self.data) != self.n_words:
                raise ValueError(f"expected {self.n_words} words, got {len(self.data)}")
            if any(x < 0 or x >= 2**self.bits for x in self.data):
                raise ValueError(f"every word must lie in [0, 2^{self.bits})")

    @cached_property
    def address_bitsize(self) -> int:
        return address_bits(self.n_words)

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("address", BQUInt(self.address_bitsize, self.n_words)),
                          Register("target", QUInt(self.bits))])

    def bus(self, bit: int) -> BusBit:
        # without data every bit's trip is the same bloq, so the call graph stays O(log N)
        return BusBit(self.n_words, self.bits, bit if self.data is not None else 0, self.data)

    def build_composite_bloq(self, bb: BloqBuilder, address: SoquetT, target: SoquetT):
        reject_symbolic_sizes(self, self.n_words, self.bits)
        n = self.address_bitsize
        addr = np.array(bb.split(address))
        tgt = np.array(bb.split(target))
        routers = [np.array([addr[0]])]
        for level in range(1, n):
            wires = np.array([addr[level]])
            for m in range(level):
                wires, routers[m], right = bb.add(RouterLevel(m), flags=wires, copies=routers[m])
                children = np.empty(2 * len(wires), dtype=object)
                children[0::2], children[1::2] = wires, right
                wires = children
            routers.append(wires)  # a_l stays in the first router it reaches

        tree = np.concatenate(routers)
        for bit in range(self.bits):
            tree, tgt[bit] = bb.add(self.bus(bit), routers=tree, bus=tgt[bit])
        routers = [tree[2**m - 1: 2 ** (m + 1) - 1] for m in range(n)]

        for level in range(n - 1, 0, -1):
            wires = routers[level]
            for m in range(level - 1, -1, -1):
                wires, routers[m] = bb.add(
                    RouterLevel(m, uncompute=True), flags=wires[0::2], copies=routers[m], right=wires[1::2])
            addr[level] = wires[0]
        addr[0] = routers[0][0]
        return {"address": bb.join(addr, dtype=self.signature[0].dtype), "target": bb.join(tgt)}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        if is_symbolic(self.n_words, self.bits):
            # address bit l routed through levels 0..l-1 (2^l - 1 routers), summed over
            # l = 1..n-1: P - n - 1 routers each way; every bit's bus trip is the same bloq
            routed = 2**self.address_bitsize - self.address_bitsize - 1
            return {And(): routed, And(uncompute=True): routed, CNOT(): 2 * routed,
                    self.bus(0): self.bits}
        counts: dict[Bloq, int] = {}
        for level in range(1, self.address_bitsize):
            for m in range(level):
                for uncompute in (False, True):
                    key = RouterLevel(m, uncompute)
                    counts[key] = counts.get(key, 0) + 1
        for bit in range(self.bits):
            key = self.bus(bit)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def my_static_costs(self, cost_key: "CostKey"):
        from qualtran.resource_counting import QubitCount

        if isinstance(cost_key, QubitCount):
            return peak_qubits(self.n_words, self.bits)
        return closed_forms_loaders.static_cost(self, cost_key)

    def on_classical_vals(self, address, target) -> dict[str, "ClassicalValT"]:
        return {"address": address, "target": int(target) ^ loaded_word(self, address)}

    def adjoint(self) -> "BucketBrigadeQRAM":
        return self

    def __str__(self) -> str:
        return f"BucketBrigadeQRAM({self.n_words}x{self.bits})"


def peak_qubits(n_words: SymbolicInt, bits: SymbolicInt) -> SymbolicInt:
    """Peak live qubits of :class:`BucketBrigadeQRAM`, reached while the bus is down: the P - 1
    routers (the n address qubits among them) + the b target bits + the P/2 - 1 bus wires the
    routing allocates."""
    leaves = 2 ** address_bits(n_words)
    return (3 * leaves / 2 if is_symbolic(leaves) else 3 * leaves // 2) + bits - 2


@bloq_example_of(LeafPhase)
def _leaf_phase_small() -> LeafPhase:
    """Bit 1 of a 4 x 2 table as phases at the last routers."""
    leaf_phase_small = LeafPhase(n_words=4, bits=2, bit=1, data=(3, 2, 0, 1))
    return leaf_phase_small


@bloq_example_of(BusBit)
def _bus_bit_small() -> BusBit:
    """Bit 0 of a 4 x 2 table carried down and up the routed tree on the bus."""
    bus_bit_small = BusBit(n_words=4, bits=2, bit=0, data=(3, 2, 0, 1))
    return bus_bit_small


@bloq_example_of(BucketBrigadeQRAM)
def _bucket_brigade_qram_small() -> BucketBrigadeQRAM:
    """A routing bucket brigade over 5 words of 3 bits (padded to 8 leaves)."""
    bucket_brigade_qram_small = BucketBrigadeQRAM(n_words=5, bits=3, data=(1, 6, 3, 0, 7))
    return bucket_brigade_qram_small


@bloq_example_of(BucketBrigadeQRAM)
def _bucket_brigade_qram_symb() -> BucketBrigadeQRAM:
    """N words of b bits, counted by shape: the call graph is the closed form in N and b."""
    n_words, bits = sympy.symbols("N b", positive=True, integer=True)
    bucket_brigade_qram_symb = BucketBrigadeQRAM(n_words=n_words, bits=bits)
    return bucket_brigade_qram_symb


_LEAF_PHASE_DOC = BloqDocSpec(
    bloq_cls=LeafPhase, import_line="from qresource.loaders.bucket_brigade import LeafPhase",
    examples=[_leaf_phase_small])
_BUS_BIT_DOC = BloqDocSpec(
    bloq_cls=BusBit, import_line="from qresource.loaders.bucket_brigade import BusBit",
    examples=[_bus_bit_small])
_BUCKET_BRIGADE_QRAM_DOC = BloqDocSpec(
    bloq_cls=BucketBrigadeQRAM, import_line="from qresource.loaders.bucket_brigade import BucketBrigadeQRAM",
    examples=[_bucket_brigade_qram_small, _bucket_brigade_qram_symb])
