"""Fan-out QRAM over a classical table, as a Qualtran bloq that reaches Clifford+T.

This is the *fan-out* architecture that Giovannetti, Lloyd and Maccone (PRL 100, 160501 (2008);
PRA 78, 052310 (2008)) contrast with their bucket brigade: every address bit is copied by a CNOT
tree onto all 2^l routers of its level, and every router takes it. The fault-tolerant "parallel"
QRAM of Di Matteo, Gheorghiu and Mosca (IEEE TQE 1, 1 (2020)) adds exactly those address copies.
Every router holds an entangled copy of the address, so this circuit does not have the bucket
brigade's noise resilience; it has the lowest depth. The routing bucket brigade is
:mod:`qresource.loaders.bucket_brigade`.

Circuit form used here (derivation and counts in docs/loaders.md):

* **Router encoding.** A router is the pair of *active flags* of its two children:
  wait = 00, left = 10, right = 01. A flag is 1 exactly when the active path runs through that
  node, so the flags of one level are one-hot (or all zero on a padded leaf range).
* **Address loading, level by level** (:class:`RouterLevel`). Address bit a_l is distributed to
  the 2^l routers of level l along the tree (:class:`FanOut`, CNOTs), and every router at that
  level takes it: ``right = AND(active, a_l)`` (one temporary AND) and ``left = active XOR
  right`` (one CNOT, in place). Routers in wait (active = 0) stay in wait. The root router
  needs no AND: its children's flags are NOT a_0 and a_0. Total: 2^n - 2 ANDs.
* **Lanes.** The word travels on ``lanes`` wires per router of the last level, one per bit in
  flight (default: all b bits at once). The word is applied at the leaf (:class:`LeafWrite`):
  for every bit i equal to 1 in word j, a CNOT from leaf j's flag onto lane i's wire of j's
  parent router. The lanes are routed back up (:class:`MergeTree`): a router hands its parent
  the value of whichever child is active, and because the inactive child's wire holds 0 that
  controlled swap is a CNOT (XOR merge). At the root, lane i holds bit i of ``data[address]``
  and is copied into ``target`` with one CNOT, after which the lanes and the leaf writes are
  undone. With fewer lanes than bits the groups of bits take turns on the same lanes: the gate
  counts do not change, the lanes cost ``lanes`` P / 2 qubits instead of b P / 2, and the depth
  grows with the number of turns. Finally the address loading is undone, the ANDs by measurement
  (Gidney 2018, arXiv:1709.06648, Fig. 3): X-basis measurement and a classically controlled CZ,
  no T gates.

Non-power-of-two N: the tree has P = 2^ceil(log2 N) leaves; leaves N..P-1 hold the word 0
(so an address >= N loads 0) and their flags are computed like the others.

Depth: the address bits are fanned out in O(l) CNOT layers and loaded in one AND layer per
level, the lanes run in parallel (a leaf flag controls at most b CNOTs, so the leaf writes take
max(b, 2) layers), the merge takes n - 1 CNOT layers, so one access has depth O(log N + b).
Cost: 2^n - 2 ANDs, independent of b; 2 P - 1 + b + L P / 2 qubits at the peak with L lanes
(the lanes, the leaf flags and the address copies, which stay live so that no qubit is reused
inside an access).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Optional

import numpy as np
import sympy
from attrs import field, frozen
from qualtran import (
    Bloq,
    BloqBuilder,
    BloqDocSpec,
    BQUInt,
    DecomposeTypeError,
    QBit,
    QUInt,
    Register,
    Side,
    Signature,
    SoquetT,
)
from qualtran.bloqs.basic_gates import CNOT, XGate
from qualtran.bloqs.mcmt.and_bloq import And
from qualtran.symbolics import SymbolicInt, ceil, is_symbolic, log2

if TYPE_CHECKING:
    from qualtran.resource_counting import BloqCountDictT, CostKey, SympySymbolAllocator
    from qualtran.simulation.classical_sim import ClassicalValT
from qresource.core.integers import address_width
from qresource.loaders import closed_forms as closed_forms_loaders
from qresource.loaders.kinds import LoaderKind
from qresource.loaders.table_words import data_tuple, loaded_word
from qresource.machinery.examples import bloq_example_of


def address_bits(n_words: SymbolicInt) -> SymbolicInt:
    """Width of an address register for ``n_words`` words: ceil(log2 N), at least 1 (a sympy
    expression for a symbolic N, taken to be at least 2)."""
    if is_symbolic(n_words):
        return ceil(log2(n_words))
    return address_width(n_words)


def reject_symbolic_sizes(bloq: Bloq, *sizes) -> None:
    """A bloq with symbolic sizes has a call graph (its closed form) but no circuit."""
    if is_symbolic(*sizes):
        raise DecomposeTypeError(f"cannot decompose {bloq} with symbolic sizes")



@frozen
class FanOut(Bloq):
    """Copy ``copies[0]`` onto ``copies[1:]`` (all |0>) by a doubling tree of CNOTs.

    ``width - 1`` CNOTs in ceil(log2 width) layers; ``uncompute`` runs the tree backwards, which
    returns ``copies[1:]`` to |0> when they hold copies of ``copies[0]``. ``width`` may be a sympy
    expression (counted only).
    """

    width: SymbolicInt
    uncompute: bool = False

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("copies", QBit(), shape=(self.width,))])

    def _pairs(self) -> list[tuple[int, int]]:
        pairs = []
        span = 1
        while span < self.width:
            pairs.extend((i, i + span) for i in range(span) if i + span < self.width)
            span *= 2
        return pairs[::-1] if self.uncompute else pairs

    def build_composite_bloq(self, bb: BloqBuilder, copies: SoquetT) -> dict[str, SoquetT]:
        reject_symbolic_sizes(self, self.width)
        copies = np.array(copies)
        for source, dest in self._pairs():
            copies[source], copies[dest] = bb.add(CNOT(), ctrl=copies[source], target=copies[dest])
        return {"copies": copies}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        if is_symbolic(self.width):
            return {CNOT(): self.width - 1}
        return {CNOT(): self.width - 1} if self.width > 1 else {}

    def adjoint(self) -> "FanOut":
        return FanOut(self.width, not self.uncompute)

    def on_classical_vals(self, copies) -> dict[str, "ClassicalValT"]:
        copies = np.array(copies, dtype=int)
        for source, dest in self._pairs():
            copies[dest] ^= copies[source]
        return {"copies": copies}


@frozen
class RouterLevel(Bloq):
    """Load address bit a_l into the 2^l routers of tree level ``level`` (0 <= level).

    Registers: ``flags`` (2^l active flags of the level's routers; on return, the flags of their
    left children), ``copies`` (2^l copies of a_l), ``right`` (the right children's flags,
    allocated here). Per router: ``right = AND(flag, a_l)`` and ``flag ^= right``. With
    ``uncompute`` the ANDs are undone by measurement (right becomes an input).

    The same gates route a qubit through a level of routers into wires known to hold |0>:
    with ``flags`` the qubit's wires and ``copies`` the router qubits, the qubit moves to the
    right child's wire where the router is 1 and stays on the left one where it is 0 (the
    routing bucket brigade, :mod:`qresource.loaders.bucket_brigade`).
    """

    level: SymbolicInt
    uncompute: bool = False

    @cached_property
    def width(self) -> int:
        return 2**self.level

    @cached_property
    def signature(self) -> Signature:
        side = Side.LEFT if self.uncompute else Side.RIGHT
        return Signature(
            [
                Register("flags", QBit(), shape=(self.width,)),
                Register("copies", QBit(), shape=(self.width,)),
                Register("right", QBit(), shape=(self.width,), side=side),
            ]
        )

    def build_composite_bloq(self, bb: BloqBuilder, flags, copies, right=None):
        flags, copies = np.array(flags), np.array(copies)
        if not self.uncompute:
            right = np.empty(self.width, dtype=object)
            for r in range(self.width):
                (flags[r], copies[r]), right[r] = bb.add(And(), ctrl=np.array([flags[r], copies[r]]))
                right[r], flags[r] = bb.add(CNOT(), ctrl=right[r], target=flags[r])
            return {"flags": flags, "copies": copies, "right": right}
        right = np.array(right)
        for r in range(self.width):
            right[r], flags[r] = bb.add(CNOT(), ctrl=right[r], target=flags[r])
            flags[r], copies[r] = bb.add(
                And(uncompute=True), ctrl=np.array([flags[r], copies[r]]), target=right[r]
            )
        return {"flags": flags, "copies": copies}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        return {And(uncompute=self.uncompute): self.width, CNOT(): self.width}

    def adjoint(self) -> "RouterLevel":
        return RouterLevel(self.level, not self.uncompute)

    def on_classical_vals(self, flags, copies, right=None) -> dict[str, "ClassicalValT"]:
        flags, copies = np.array(flags, dtype=int), np.array(copies, dtype=int)
        if not self.uncompute:
            right = flags & copies
            return {"flags": flags ^ right, "copies": copies, "right": right}
        right = np.array(right, dtype=int)
        flags = flags ^ right
        if np.any(right != (flags & copies)):
            raise ValueError("RouterLevel uncompute: router state is not AND(flag, address)")
        return {"flags": flags, "copies": copies}


@frozen
class LeafWrite(Bloq):
    """Apply the table at the leaves: lane i of leaf j's parent ^= bit i of word j AND flag j.

    ``flags`` are the P one-hot leaf flags, ``lanes`` the L x P/2 bus wires of the last router
    level for the group of L bits ``first_bit .. first_bit + L - 1`` (lane row i carries bit
    ``first_bit + i`` of the word, most significant first, as in the target register; by default
    the group is the whole word). One CNOT per 1-bit of the group; the CNOTs commute, so the
    bloq is its own inverse. Gate order: round t writes bit t of every left leaf and bit t+1
    (mod L) of every right leaf, so no flag or lane wire is used twice in a round and the writes
    take max(L, 2) layers. Without data (``data=None``) it stands for the worst case, every bit 1.
    """

    n_words: SymbolicInt
    bits: SymbolicInt
    data: Optional[tuple[int, ...]] = field(default=None, converter=data_tuple)
    first_bit: int = 0
    group: Optional[int] = None

    @cached_property
    def width(self) -> int:
        """L: the number of bits in the group."""
        return self.bits - self.first_bit if self.group is None else self.group

    @cached_property
    def leaves(self) -> int:
        return 2 ** address_bits(self.n_words)

    @cached_property
    def signature(self) -> Signature:
        return Signature(
            [
                Register("flags", QBit(), shape=(self.leaves,)),
                Register("lanes", QBit(), shape=(self.width, self.leaves // 2)),
            ]
        )

    def bit(self, word: int, lane: int) -> int:
        """Bit ``first_bit + lane`` (0 = most significant) of word ``word``; padded words are 0."""
        if word >= self.n_words:
            return 0
        if self.data is None:
            return 1
        return (self.data[word] >> (self.bits - 1 - self.first_bit - lane)) & 1

    def _writes(self) -> list[tuple[int, int, int]]:
        writes = []
        for round_ in range(self.width):
            for pair in range(self.leaves // 2):
                for side, lane in ((0, round_), (1, (round_ + 1) % self.width)):
                    leaf = 2 * pair + side
                    if self.bit(leaf, lane):
                        writes.append((leaf, lane, pair))
        return writes

    def build_composite_bloq(self, bb: BloqBuilder, flags, lanes):
        if self.data is None:
            raise DecomposeTypeError(f"{self} has no data: only its counts are defined")
        flags, lanes = np.array(flags), np.array(lanes)
        for leaf, lane, pair in self._writes():
            flags[leaf], lanes[lane, pair] = bb.add(CNOT(), ctrl=flags[leaf], target=lanes[lane, pair])
        return {"flags": flags, "lanes": lanes}

    @cached_property
    def n_ones(self) -> int:
        if self.data is None:
            return self.n_words * self.width
        mask = ((1 << self.width) - 1) << (self.bits - self.first_bit - self.width)
        return sum((int(x) & mask).bit_count() for x in self.data)

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        return {CNOT(): self.n_ones} if self.n_ones else {}

    def adjoint(self) -> "LeafWrite":
        return self

    def on_classical_vals(self, flags, lanes) -> dict[str, "ClassicalValT"]:
        flags, lanes = np.array(flags, dtype=int), np.array(lanes, dtype=int)
        for leaf, lane, pair in self._writes():
            lanes[lane, pair] ^= flags[leaf]
        return {"flags": flags, "lanes": lanes}

    def __str__(self) -> str:
        if self.width == self.bits:
            return f"LeafWrite({self.n_words}x{self.bits})"
        return f"LeafWrite({self.n_words}x{self.bits}, bits {self.first_bit}..{self.first_bit + self.width - 1})"


@frozen
class MergeTree(Bloq):
    """Route every lane back up the tree: XOR-merge sibling wires level by level.

    ``lanes`` is b x P/2 (the last router level). Merge step s = 1..n-1 adds wire
    ``k 2^s + 2^(s-1)`` into wire ``k 2^s``; afterwards wire 0 of each lane holds the XOR of the
    lane, which is the routed bit because at most one leaf is active. b (P/2 - 1) CNOTs in
    n - 1 layers; ``uncompute`` runs the steps backwards.
    """

    leaves: SymbolicInt
    bits: SymbolicInt
    uncompute: bool = False

    @cached_property
    def signature(self) -> Signature:
        return Signature([Register("lanes", QBit(), shape=(self.bits, self.leaves // 2))])

    def _pairs(self) -> list[tuple[int, int]]:
        half = self.leaves // 2
        pairs = []
        span = 1
        while span < half:
            pairs.extend((k + span, k) for k in range(0, half, 2 * span))
            span *= 2
        return pairs[::-1] if self.uncompute else pairs

    def build_composite_bloq(self, bb: BloqBuilder, lanes):
        lanes = np.array(lanes)
        for source, dest in self._pairs():
            for lane in range(self.bits):
                lanes[lane, source], lanes[lane, dest] = bb.add(
                    CNOT(), ctrl=lanes[lane, source], target=lanes[lane, dest]
                )
        return {"lanes": lanes}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        count = self.bits * (self.leaves // 2 - 1)
        return {CNOT(): count} if count else {}

    def adjoint(self) -> "MergeTree":
        return MergeTree(self.leaves, self.bits, not self.uncompute)

    def on_classical_vals(self, lanes) -> dict[str, "ClassicalValT"]:
        lanes = np.array(lanes, dtype=int)
        for source, dest in self._pairs():
            lanes[:, dest] ^= lanes[:, source]
        return {"lanes": lanes}


@frozen
class FanOutQRAM(Bloq):
    """Fan-out QRAM: ``target ^= data[address]`` for a table of ``n_words`` b-bit words.

    The fan-out architecture of Giovannetti, Lloyd, Maccone, PRA 78, 052310 (2008), section II;
    routers encoded as pairs of active flags and temporary ANDs uncomputed by measurement
    (Gidney 2018). See the module docstring and docs/loaders.md.

    Args:
        n_words: N >= 2, the number of words (the tree is padded to 2^ceil(log2 N) leaves).
        bits: b >= 1, the word size.
        data: the N words (ints in [0, 2^b)), or None to count the shape only (worst case:
            every bit 1, which only changes Clifford counts).
        lanes: L in [1, b], the bits moved at once (None: all b); groups of L bits take turns.

    N, b and L may be sympy symbols (data None): the call graph is then the closed form of
    docs/loaders.md, the address loading over the n - 1 router levels summed into its leaf gates
    (a level per symbol cannot be listed), the leaf writes and merges as one group (their gate
    counts do not depend on L), and the peak qubits hold L.

    Registers:
        address: ceil(log2 N) qubits, big-endian (Qualtran's QUInt order).
        target: b qubits, XORed with the addressed word.
    """

    n_words: SymbolicInt
    bits: SymbolicInt
    data: Optional[tuple[int, ...]] = field(default=None, converter=data_tuple)
    lanes: Optional[int] = None
    kind = LoaderKind.FANOUT

    def __attrs_post_init__(self):
        if self.lanes is None:
            object.__setattr__(self, "lanes", self.bits)
        if is_symbolic(self.n_words, self.bits, self.lanes):
            if self.data is not None:
                raise ValueError("a fan-out QRAM with symbolic sizes is counted by shape only (data=None)")
            return
        if self.n_words < 2:
            raise ValueError(f"a fan-out QRAM needs at least 2 words, got {self.n_words}")
        if self.bits < 1:
            raise ValueError(f"word size must be at least 1 bit, got {self.bits}")
        if isinstance(self.lanes, bool) or not isinstance(self.lanes, (int, np.integer)) \
                or not 1 <= self.lanes <= self.bits:
            raise ValueError(f"lanes must lie in [1, {self.bits}], got {self.lanes!r}")
        if self.data is not None:
            if len(self.data) != self.n_words:
                raise ValueError(f"expected {self.n_words} words, got {len(self.data)}")
            if any(x < 0 or x >= 2**self.bits for x in self.data):
                raise ValueError(f"every word must lie in [0, 2^{self.bits})")

    @cached_property
    def address_bitsize(self) -> int:
        return address_bits(self.n_words)

    @cached_property
    def leaves(self) -> int:
        return 2**self.address_bitsize

    @cached_property
    def signature(self) -> Signature:
        return Signature(
            [
                Register("address", BQUInt(self.address_bitsize, self.n_words)),
                Register("target", QUInt(self.bits)),
            ]
        )

    @cached_property
    def groups(self) -> tuple[tuple[int, int], ...]:
        """(first bit, width) of each group of bits that takes a turn on the lanes."""
        return tuple((first, min(self.lanes, self.bits - first)) for first in range(0, self.bits, self.lanes))

    def leaf_write(self, first: int, width: int) -> LeafWrite:
        if (first, width) == (0, self.bits):
            return LeafWrite(self.n_words, self.bits, self.data)
        return LeafWrite(self.n_words, self.bits, self.data, first, width)

    def build_composite_bloq(self, bb: BloqBuilder, address: SoquetT, target: SoquetT):
        reject_symbolic_sizes(self, self.n_words, self.bits, self.lanes)
        n = self.address_bitsize
        addr = np.array(bb.split(address))
        tgt = np.array(bb.split(target))

        # Root router: its children's flags are NOT a_0 and a_0 (no AND needed).
        left, right = bb.allocate(dtype=QBit()), bb.allocate(dtype=QBit())
        left = bb.add(XGate(), q=left)
        addr[0], left = bb.add(CNOT(), ctrl=addr[0], target=left)
        addr[0], right = bb.add(CNOT(), ctrl=addr[0], target=right)
        flags = np.array([left, right])

        # Every address bit is fanned out once, up front, and its copies stay live until the
        # address is unloaded: the fan-outs run in parallel with the root, and no freed qubit is
        # reused inside the access (which would serialise the levels in a flattened circuit).
        copies = {level: self._fan_out(bb, level, addr[level]) for level in range(1, n)}
        for level in range(1, n):
            flags, copies[level], right = bb.add(RouterLevel(level), flags=flags, copies=copies[level])
            children = np.empty(2 * len(flags), dtype=object)
            children[0::2], children[1::2] = flags, right
            flags = children

        for first, width in self.groups:
            write = self.leaf_write(first, width)
            lanes = np.array(
                [[bb.allocate(dtype=QBit()) for _ in range(self.leaves // 2)] for _ in range(width)]
            )
            # Sub-bloqs with nothing to do (an all-zero table, a one-router tree) are left out,
            # so that every leaf of the call graph is a gate.
            if write.n_ones:
                flags, lanes = bb.add(write, flags=flags, lanes=lanes)
            if self.leaves > 2:
                lanes = bb.add(MergeTree(self.leaves, width), lanes=lanes)
            for lane in range(width):
                bit = first + lane
                lanes[lane, 0], tgt[bit] = bb.add(CNOT(), ctrl=lanes[lane, 0], target=tgt[bit])
            if self.leaves > 2:
                lanes = bb.add(MergeTree(self.leaves, width, uncompute=True), lanes=lanes)
            if write.n_ones:
                flags, lanes = bb.add(write, flags=flags, lanes=lanes)
            for soq in lanes.flat:
                bb.free(soq)

        for level in range(n - 1, 0, -1):
            flags, copies[level] = bb.add(
                RouterLevel(level, uncompute=True),
                flags=flags[0::2],
                copies=copies[level],
                right=flags[1::2],
            )
        for level in range(1, n):
            addr[level] = self._fan_in(bb, level, copies[level])

        left, right = flags
        addr[0], right = bb.add(CNOT(), ctrl=addr[0], target=right)
        addr[0], left = bb.add(CNOT(), ctrl=addr[0], target=left)
        left = bb.add(XGate(), q=left)
        bb.free(left)
        bb.free(right)
        return {"address": bb.join(addr, dtype=self.signature[0].dtype), "target": bb.join(tgt)}

    @staticmethod
    def _fan_out(bb: BloqBuilder, level: int, bit: SoquetT):
        copies = np.array([bit] + [bb.allocate(dtype=QBit()) for _ in range(2**level - 1)])
        return bb.add(FanOut(2**level), copies=copies)

    @staticmethod
    def _fan_in(bb: BloqBuilder, level: int, copies) -> SoquetT:
        copies = bb.add(FanOut(2**level, uncompute=True), copies=copies)
        for soq in copies[1:]:
            bb.free(soq)
        return copies[0]

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        n, b = self.address_bitsize, self.bits
        if is_symbolic(self.n_words, self.bits, self.lanes):
            return self._symbolic_call_graph()
        counts: dict[Bloq, int] = {XGate(): 2, CNOT(): 4 + b}
        for level in range(1, n):
            counts[FanOut(2**level)] = 1
            counts[FanOut(2**level, uncompute=True)] = 1
            counts[RouterLevel(level)] = 1
            counts[RouterLevel(level, uncompute=True)] = 1
        for first, width in self.groups:
            write = self.leaf_write(first, width)
            if write.n_ones:
                counts[write] = counts.get(write, 0) + 2
            if self.leaves > 2:
                for uncompute in (False, True):
                    merge = MergeTree(self.leaves, width, uncompute)
                    counts[merge] = counts.get(merge, 0) + 1
        return counts

    def _symbolic_call_graph(self) -> "BloqCountDictT":
        """The call graph of :meth:`build_call_graph` with the levels 1..n-1 summed: level l
        fans its address bit out to 2^l routers (2^l - 1 CNOTs each way) and takes it there
        (2^l ANDs, their measured uncomputations and 2^l CNOTs each way), so the levels hold
        P - 1 - n fan-out CNOTs and P - 2 routers each way; every group of lanes writes its
        leaves and merges its lanes twice, which for all groups together is the whole word."""
        n, b, leaves = self.address_bitsize, self.bits, self.leaves
        routers = leaves - 2
        return {
            XGate(): 2,
            CNOT(): 4 + b + 2 * (leaves - 1 - n) + 2 * routers,
            And(): routers,
            And(uncompute=True): routers,
            LeafWrite(self.n_words, b): 2,
            MergeTree(leaves, b): 1,
            MergeTree(leaves, b, uncompute=True): 1,
        }

    def my_static_costs(self, cost_key: "CostKey"):
        from qualtran.resource_counting import QubitCount

        if isinstance(cost_key, QubitCount):
            return peak_qubits(self.n_words, self.bits, self.lanes)

        return closed_forms_loaders.static_cost(self, cost_key)

    def on_classical_vals(self, address, target) -> dict[str, "ClassicalValT"]:
        return {"address": address, "target": int(target) ^ loaded_word(self, address)}

    def adjoint(self) -> "FanOutQRAM":
        return self

    def __str__(self) -> str:
        lanes = "" if self.lanes == self.bits else f", {self.lanes} lanes"
        return f"FanOutQRAM({self.n_words}x{self.bits}{lanes})"


def peak_qubits(n_words: SymbolicInt, bits: SymbolicInt, lanes: Optional[SymbolicInt] = None) -> SymbolicInt:
    """Peak live qubits of :class:`FanOutQRAM`, reached during the bus phase: address (n)
    + target (b) + leaf flags (P) + address copies (P - 1 - n) + lanes (L P / 2)."""
    n = address_bits(n_words)
    leaves = 2**n
    half = leaves / 2 if is_symbolic(leaves) else leaves // 2
    return 2 * leaves - 1 + bits + (bits if lanes is None else lanes) * half


@bloq_example_of(FanOut)
def _fan_out_four() -> FanOut:
    """One address bit copied onto four routers of a level."""
    fan_out_four = FanOut(width=4)
    return fan_out_four


@bloq_example_of(RouterLevel)
def _router_level_two() -> RouterLevel:
    """Level 2 of the router tree takes its address bit: four routers, four temporary ANDs."""
    router_level_two = RouterLevel(level=2)
    return router_level_two


@bloq_example_of(LeafWrite)
def _leaf_write_small() -> LeafWrite:
    """The words of a 4 x 3 table written from the leaf flags onto the lanes."""
    leaf_write_small = LeafWrite(n_words=4, bits=3, data=(5, 0, 3, 6))
    return leaf_write_small


@bloq_example_of(MergeTree)
def _merge_tree_small() -> MergeTree:
    """Two-bit lanes of four leaves merged up to the root by XOR."""
    merge_tree_small = MergeTree(leaves=4, bits=2)
    return merge_tree_small


@bloq_example_of(FanOutQRAM)
def _fan_out_qram_small() -> FanOutQRAM:
    """A fan-out QRAM over 5 words of 3 bits (padded to 8 leaves), every bit on its own lane."""
    fan_out_qram_small = FanOutQRAM(n_words=5, bits=3, data=(1, 6, 3, 0, 7))
    return fan_out_qram_small


@bloq_example_of(FanOutQRAM)
def _fan_out_qram_one_lane() -> FanOutQRAM:
    """The same table with the three bits taking turns on one lane: fewer qubits, more depth."""
    fan_out_qram_one_lane = FanOutQRAM(n_words=5, bits=3, data=(1, 6, 3, 0, 7), lanes=1)
    return fan_out_qram_one_lane


@bloq_example_of(FanOutQRAM)
def _fan_out_qram_symb() -> FanOutQRAM:
    """N words of b bits, counted by shape: the call graph is the closed form in N and b."""
    n_words, bits = sympy.symbols("N b", positive=True, integer=True)
    fan_out_qram_symb = FanOutQRAM(n_words=n_words, bits=bits)
    return fan_out_qram_symb


_FAN_OUT_DOC = BloqDocSpec(
    bloq_cls=FanOut, import_line="from qresource.loaders.fanout import FanOut", examples=[_fan_out_four])
_ROUTER_LEVEL_DOC = BloqDocSpec(
    bloq_cls=RouterLevel, import_line="from qresource.loaders.fanout import RouterLevel",
    examples=[_router_level_two])
_LEAF_WRITE_DOC = BloqDocSpec(
    bloq_cls=LeafWrite, import_line="from qresource.loaders.fanout import LeafWrite",
    examples=[_leaf_write_small])
_MERGE_TREE_DOC = BloqDocSpec(
    bloq_cls=MergeTree, import_line="from qresource.loaders.fanout import MergeTree",
    examples=[_merge_tree_small])
_FAN_OUT_QRAM_DOC = BloqDocSpec(
    bloq_cls=FanOutQRAM, import_line="from qresource.loaders.fanout import FanOutQRAM",
    examples=[_fan_out_qram_small, _fan_out_qram_one_lane, _fan_out_qram_symb])
