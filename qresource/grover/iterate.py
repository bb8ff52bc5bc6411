"""The Grover iterate G = D . O and the single-search circuit H^m G^r.

Grover (1996), "A fast quantum mechanical algorithm for database search", STOC '96: starting from
the uniform superposition over N = 2^m index values, each application of the phase oracle O
(|j> -> (-1)^f(j) |j>) followed by the diffusion D rotates the state by 2 theta towards the
marked subspace, sin(theta) = sqrt(t / N) for t marked values, so after r iterates a measurement
of `index` returns a marked value with probability sin^2((2r + 1) theta)
(Boyer, Brassard, Hoyer, Tapp 1998, "Tight bounds on quantum searching", Fortschr. Phys. 46, 493,
section 3).  Schedules that choose r and repeat searches live in ``qresource.grover.schedules``.

Call graphs are hierarchical: a search of r iterates calls one ``GroverIterate`` r times, so its
counts at r = 10^6 cost as much to compute as at r = 1.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from attrs import field, frozen
from qualtran import Bloq, BloqBuilder, Register, Side, Signature, SoquetT
from qualtran.bloqs.basic_gates import Hadamard

from qresource.grover.diffusion import GroverDiffusion, hadamard_each

if TYPE_CHECKING:
    from qualtran.resource_counting import BloqCountDictT, SympySymbolAllocator
from qualtran import BloqDocSpec

from qresource.machinery.depth import (
    NO_PATH,
    DepthCost,
    TDepthCost,
    augmented,
    depth_profile,
    max_plus_product,
)
from qresource.machinery.examples import bloq_example_of
from qresource.machinery.lattice_surgery import LatticeSurgeryDepthCost, lattice_surgery_profile
from qresource.oracle.threshold_oracle import ThresholdOracle


def _phase_oracle_index(oracle: Bloq) -> Register:
    """The oracle's only register, `index`; a phase oracle has nothing else (no flag, no output)."""
    registers = list(oracle.signature)
    if len(registers) != 1 or registers[0].name != "index":
        names = ", ".join(r.name for r in registers)
        raise ValueError(f"a phase oracle has exactly one register, 'index'; {oracle} has: {names}")
    register = registers[0]
    if register.side != Side.THRU or register.shape != ():
        raise ValueError(f"{oracle}: 'index' must be a plain through-register")
    return register


def _validate_phase_oracle(_instance, _attribute, oracle: Bloq) -> None:
    _phase_oracle_index(oracle)


@frozen
class GroverIterate(Bloq):
    """One Grover iterate: the phase oracle on `index`, then the diffusion about |s>.

    Args:
        oracle: a phase oracle, a bloq whose only register is `index` (m qubits) and which maps
            |j> to (-1)^f(j) |j>; its ancillas start and end in |0>.

    Registers:
        index: the m-qubit index register (the oracle's dtype).

    Cost: one oracle call plus ``GroverDiffusion(m)``: 2m H, 2m X, one CZ and m - 2 ANDs
    (measurement-uncomputed); peak qubits = max(oracle's, 2m - 2).
    """

    oracle: Bloq = field(validator=_validate_phase_oracle)

    @cached_property
    def index_register(self) -> Register:
        return _phase_oracle_index(self.oracle)

    @cached_property
    def bitsize(self) -> int:
        return int(self.index_register.bitsize)

    @cached_property
    def signature(self) -> Signature:
        return Signature([self.index_register])

    @cached_property
    def diffusion(self) -> GroverDiffusion:
        return GroverDiffusion(self.bitsize)

    def build_composite_bloq(self, bb: BloqBuilder, *, index: SoquetT) -> dict[str, SoquetT]:
        index = bb.add(self.oracle, index=index)
        index = bb.add(self.diffusion, index=index)
        return {"index": index}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        return {self.oracle: 1, self.diffusion: 1}

    def __str__(self) -> str:
        return f"GroverIterate({self.oracle})"


def _non_negative(_instance, _attribute, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"the number of Grover iterations must be an integer >= 0, got {value!r}")


@frozen
class GroverSearch(Bloq):
    """One Grover search: H on every qubit of `index` (which enters in |0...0>), then r iterates.

    Measuring `index` afterwards returns a marked value with probability sin^2((2r+1) theta),
    sin^2(theta) = t / 2^m (``qresource.grover.schedules.success_probability``).  The bloq stops
    before the measurement; ``qresource export grover`` appends it (`index` into `result`).

    Args:
        oracle: the phase oracle (see ``GroverIterate``).
        iterations: r >= 0.

    Registers:
        index: m qubits, expected in |0...0> on entry.
    """

    oracle: Bloq = field(validator=_validate_phase_oracle)
    iterations: int = field(validator=_non_negative)

    @cached_property
    def iterate(self) -> GroverIterate:
        return GroverIterate(self.oracle)

    @cached_property
    def signature(self) -> Signature:
        return self.iterate.signature

    def build_composite_bloq(self, bb: BloqBuilder, *, index: SoquetT) -> dict[str, SoquetT]:
        bitsize = self.iterate.bitsize
        index = hadamard_each(bb, index, bitsize)
        for _ in range(self.iterations):
            index = bb.add(self.iterate, index=index)
        return {"index": index}

    def build_call_graph(self, ssa: "SympySymbolAllocator") -> "BloqCountDictT":
        counts: dict[Bloq, int] = {Hadamard(): self.iterate.bitsize}
        if self.iterations:
            counts[self.iterate] = self.iterations
        return counts

    def my_static_costs(self, cost_key):
        """Closed forms for long searches, so that counting r = 10^6 iterates never decomposes.

        Peak qubits: the iterate's (the H layer allocates nothing).  Depth and T-depth: the
        search's as-soon-as-possible depth profile (``qresource.machinery.depth``) is the
        max-plus product of the H layer's profile and the r-th max-plus power of the iterate's,
        computed by repeated squaring; exact, and equal to decomposing (tests compare both for
        small r, where decomposition is used)."""
        if self.iterations <= _DECOMPOSE_UP_TO:
            return NotImplemented
        from qualtran.resource_counting import QubitCount

        if isinstance(cost_key, QubitCount):
            from qualtran.resource_counting import get_cost_value

            return get_cost_value(self.iterate, QubitCount())
        if isinstance(cost_key, DepthCost):
            return search_depths(self)[0]
        if isinstance(cost_key, TDepthCost):
            return search_depths(self)[1]
        if isinstance(cost_key, LatticeSurgeryDepthCost):
            return search_lattice_surgery_depth(self)
        return NotImplemented

    def __str__(self) -> str:
        return f"GroverSearch({self.oracle}, r={self.iterations})"


#: Searches with at most this many iterates are decomposed by the depth and qubit counters.
_DECOMPOSE_UP_TO = 16


def search_depths(search: GroverSearch) -> tuple[int, int]:
    """(depth, T-depth) of ``search`` by max-plus powers of the iterate's depth profile."""

    start = depth_profile(GroverSearch(search.oracle, 0))
    step = depth_profile(search.iterate)
    results = []
    for start_matrix, step_matrix in ((start.depth, step.depth), (start.t_depth, step.t_depth)):
        total = max_plus_product(augmented(start_matrix), _maxplus_power(augmented(step_matrix), search.iterations))
        results.append(max(0, int(total[:-1, -1].max())))
    return results[0], results[1]


def search_lattice_surgery_depth(search: GroverSearch) -> int:
    """Lattice-surgery depth of ``search`` the same way, from the lattice-surgery profiles."""
    start = lattice_surgery_profile(GroverSearch(search.oracle, 0))
    step = lattice_surgery_profile(search.iterate)
    total = max_plus_product(augmented(start), _maxplus_power(augmented(step), search.iterations))
    return max(0, int(total[:-1, -1].max()))


def _maxplus_power(matrix, power: int):
    result = np.full_like(matrix, NO_PATH)
    np.fill_diagonal(result, 0)
    base = matrix
    while power:
        if power & 1:
            result = max_plus_product(result, base)
        power >>= 1
        if power:
            base = max_plus_product(base, base)
    return result


def _example_oracle() -> ThresholdOracle:
    """The phase oracle of the reference instance in circuits/instances/oracle-n4-d2.json:
    q = (1, 1), scores 3, -1, 0, -2 against tau = 2, so key 0 is the one marked."""
    return ThresholdOracle(4, 2, 4, q=(1, 1), keys=((2, 1), (0, -1), (1, -1), (-1, -1)), tau=2, form="phase")


@bloq_example_of(GroverIterate)
def _grover_iterate() -> GroverIterate:
    grover_iterate = GroverIterate(_example_oracle())
    return grover_iterate


@bloq_example_of(GroverSearch)
def _grover_search() -> GroverSearch:
    grover_search = GroverSearch(_example_oracle(), iterations=1)
    return grover_search


_GROVER_ITERATE_DOC = BloqDocSpec(
    bloq_cls=GroverIterate, import_line="from qresource.grover.iterate import GroverIterate",
    examples=[_grover_iterate])
_GROVER_SEARCH_DOC = BloqDocSpec(
    bloq_cls=GroverSearch, import_line="from qresource.grover.iterate import GroverSearch",
    examples=[_grover_search])
