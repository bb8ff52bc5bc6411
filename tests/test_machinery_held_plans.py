"""held_plans (one walk over numbered wires, three readings at once) against the keyed walks it
replaces: held_depth_plan and held_plan over the same composite, the same sub-bloqs held."""

import pytest
from qualtran import BloqBuilder, QBit, Register
from qualtran.bloqs.basic_gates import CZ

import qresource.machinery.held_plans as held_plans_module
from qresource.arithmetic.inner_product import ShiftAddTerm
from qresource.machinery.depth import held_depth_plan
from qresource.machinery.held_plans import (
    _CHAIN,
    _chain,
    _continues_fan_out,
    _walk,
    flat_wiring,
    held_plans,
    held_plans_of,
)
from qresource.machinery.lattice_surgery import held_plan
from qresource.oracle.threshold_oracle import ThresholdOracle


def _cases():
    for d, bits in [(1, 1), (1, 3), (2, 2), (3, 4), (5, 3), (8, 6)]:
        for loader in ("qrom", "qroam", "bucket-brigade", "fanout"):
            for excluded in ((), (3,), (3, 1)):
                yield ThresholdOracle(4, d, bits, loader=loader, form="phase", excluded=excluded), True
    # more than WIDE_WIRES loaded bits: the inner product is inlined term by term
    for d, bits in [(25, 4), (13, 8), (40, 5)]:
        for loader in ("qrom", "bucket-brigade"):
            for excluded in ((), (3,), (3, 1)):
                yield ThresholdOracle(4, d, bits, loader=loader, form="phase", excluded=excluded), True
    wide_q = tuple((-1) ** t * (t % 4) for t in range(33))
    wide_keys = tuple(tuple(((3 * j + t) % 8) - 4 for t in range(33)) for j in range(4))
    for excluded in ((), (1,)):
        yield ThresholdOracle(4, 33, 3, q=wide_q, keys=wide_keys, tau=5, form="phase", excluded=excluded), False
    # data: negative digits (the flipped loaded row), a narrower accumulator, the bit-flip form
    keys = ((2, 1, -3), (0, -1, 3), (1, -1, 0), (-1, -1, 2))
    for form in ("phase", "bit-flip"):
        for excluded in ((), (2,)):
            yield ThresholdOracle(4, 3, 3, q=(1, -3, 2), keys=keys, tau=2, form=form, excluded=excluded), False


@pytest.mark.parametrize("oracle, hold_cz", list(_cases()), ids=str)
def test_held_plans_equal_the_keyed_walks(oracle, hold_cz):
    cz = CZ()

    def held(bloq):
        return oracle.is_row_load(bloq) or (hold_cz and bool(oracle.excluded) and bloq == cz)

    cbloq = oracle.decompose_bloq()
    depth, surgery = held_plans(cbloq, held)
    assert depth == held_depth_plan(cbloq, held)
    assert surgery == held_plan(cbloq, held)


def test_the_inner_product_is_walked_run_by_run():
    """The phase oracle's plans come from the one walk: its inner product is one chain whose
    equal terms at one shift are one run each (a running maximum, not a step per term), and no
    fan-out runs across two steps (else the keyed walk would have run)."""
    oracle = ThresholdOracle(2, 32, 5, form="phase", excluded=(1,))
    flat = flat_wiring(oracle.decompose_bloq(), oracle.is_row_load)
    chains = [step for step in flat.steps if step[0] == _CHAIN]
    assert [str(step[1]).split("(")[0] for step in chains] == ["InnerProduct", "UnInnerProduct"]
    terms = 32 * 5
    for step in chains:
        runs = _chain(step[1]).runs
        assert sum(len(run.ins) for run in runs) == terms
        assert len(runs) < terms // 4
    assert not _continues_fan_out(flat)


def test_bit_flip_cnot_sends_the_surgery_plan_to_the_keyed_walk():
    """The bit-flip form writes the flag with a CNOT at the top level: a fan-out the closed
    profiles cannot see, so the lattice-surgery plan is the keyed walk's."""
    oracle = ThresholdOracle(4, 2, 3, form="bit-flip", excluded=(1,))
    flat = flat_wiring(oracle.decompose_bloq(), oracle.is_row_load)
    assert _continues_fan_out(flat)


def test_a_fan_out_running_into_the_next_step_is_left_to_the_keyed_walk():
    """Two copies of one loaded bit into two registers: the second copy's CNOT continues the
    first's open fan-out (same control, a new target), which only the keyed walk merges."""

    bits = 1
    copy = ShiftAddTerm(bits, bits, True, True)  # a - digit of one bit flips nothing: one CNOT
    builder = BloqBuilder()
    k = builder.add_register(Register("k", QBit(), shape=(bits,)))
    first = builder.add_register(Register("first", QBit(), shape=(bits,)))
    second = builder.add_register(Register("second", QBit(), shape=(bits,)))
    k, first = builder.add(copy, k=k, acc=first)
    k, second = builder.add(copy, k=k, acc=second)
    cbloq = builder.finalize(k=k, first=first, second=second)

    def held(bloq):
        return False

    flat = flat_wiring(cbloq, held)
    assert _continues_fan_out(flat)
    depth, surgery = held_plans(cbloq, held)
    assert depth == held_depth_plan(cbloq, held)
    assert surgery == held_plan(cbloq, held)
    # the merge is real: the closed profiles end to end would say one step more
    _, sink = _walk(flat, 3)
    assert int(sink[2][0]) == surgery.sink[0] + 1


def _phase_pair(d, bits):
    items = []
    for excluded in ((), (1,)):
        oracle = ThresholdOracle(2, d, bits, form="phase", excluded=excluded)
        cz = CZ()
        items.append((oracle.decompose_bloq(),
                       lambda bloq, oracle=oracle, excluding=bool(excluded): oracle.is_row_load(bloq) or (excluding and bloq == cz)))
    return items


def test_forms_walked_together_share_their_first_steps_exactly():
    """With and without exclusions the oracle shares its load and inner product: walked once
    for both, each plan is still the keyed walks'."""
    items = _phase_pair(25, 4)
    together = held_plans_of(items)
    for (cbloq, held), (depth, surgery) in zip(items, together):
        assert depth == held_depth_plan(cbloq, held)
        assert surgery == held_plan(cbloq, held)


def test_times_past_the_int32_limit_are_walked_again_in_int64(monkeypatch):
    items = _phase_pair(25, 4)
    narrow = held_plans_of(items)
    monkeypatch.setattr(held_plans_module, "_NARROW_LIMIT", 64)  # every real time passes it
    assert held_plans_of(items) == narrow


def test_runs_walked_step_by_step_give_the_running_maximum(monkeypatch):
    """The running maximum over a run equals the run walked one step at a time (every step's
    full profile): the recurrence is exact, not an approximation of the steps."""
    items = _phase_pair(40, 5)
    fast = held_plans_of(items)
    monkeypatch.setattr(held_plans_module, "_rank_one", lambda profile: None)
    monkeypatch.setattr(held_plans_module, "_STACKS", held_plans_module.BoundedMemo(limit=50000))
    assert held_plans_of(items) == fast


def test_a_fan_out_inside_a_chain_sends_the_surgery_plan_to_the_keyed_walk():
    """A wide inner product of two one-bit copies of coordinate 0 (shifts 0 and 1: the second
    window is still empty, so it is a copy too): both are CNOTs from the same key bit, a fan-out
    across two of the chain's steps."""
    from qresource.arithmetic.inner_product import ConstantInnerProduct

    product = ConstantInnerProduct(97, 1, ((0, 0, True), (0, 1, True)))
    assert [term.copy for _, _, term in product.steps] == [True, True]
    builder = BloqBuilder()
    keys = builder.add_register("keys", 97)
    keys, acc = builder.add(product, keys=keys)
    cbloq = builder.finalize(keys=keys, acc=acc)

    def held(bloq):
        return False

    assert _chain(product).merges
    flat = flat_wiring(cbloq, held)
    assert _continues_fan_out(flat)
    depth, surgery = held_plans(cbloq, held)
    assert depth == held_depth_plan(cbloq, held)
    assert surgery == held_plan(cbloq, held)
