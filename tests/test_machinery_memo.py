"""The bounded memo every bloq-keyed cache of the machinery uses: an answer is computed once per
key, None included; unhashable keys are computed every time and never stored; passing the limit
clears the memo whole."""

from __future__ import annotations

from qresource.machinery.decomposition import BoundedMemo


def counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value

    return compute, calls


def test_each_key_is_computed_once_none_included():
    memo: BoundedMemo = BoundedMemo(limit=10)
    compute, calls = counting(None)
    assert memo.get_or_compute("a", compute) is None
    assert memo.get_or_compute("a", compute) is None
    assert len(calls) == 1
    other, other_calls = counting(7)
    assert memo.get_or_compute("b", other) == 7 and memo.get_or_compute("b", other) == 7 and len(other_calls) == 1


def test_unhashable_keys_are_computed_every_time():
    memo: BoundedMemo = BoundedMemo(limit=10)
    compute, calls = counting(3)
    assert memo.get_or_compute(["unhashable"], compute) == 3
    assert memo.get_or_compute(["unhashable"], compute) == 3
    assert len(calls) == 2 and memo.get(["unhashable"]) is None


def test_the_limit_clears_the_memo_whole():
    memo: BoundedMemo = BoundedMemo(limit=2)
    for key in ("a", "b"):
        memo.get_or_compute(key, lambda: key)
    memo.get_or_compute("c", lambda: "c")
    assert memo.get("a") is None and memo.get("b") is None and memo.get("c") == "c"
