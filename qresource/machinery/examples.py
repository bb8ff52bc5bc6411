"""Bloq examples the Qualtran way, for modules that postpone annotations.

Qualtran's ``@bloq_example`` reads the bloq class from the function's return annotation, which
``from __future__ import annotations`` turns into a string. :func:`bloq_example_of` takes the
class explicitly and otherwise builds the same ``qualtran.BloqExample``, so the examples work with
``qualtran.testing`` and Qualtran's notebooks like any other.
"""

from __future__ import annotations

from typing import Callable

from qualtran import Bloq, BloqExample
from qualtran.resource_counting.generalizers import ignore_alloc_free, ignore_split_join

#: Bookkeeping bloqs (Split, Join, Allocate, Free) move no data: a call graph leaves them out,
#: a decomposition has them, and a count comparison ignores them (as Qualtran's own tests do).
IGNORE_BOOKKEEPING = (ignore_split_join, ignore_alloc_free)


def bloq_example_of(bloq_cls: type[Bloq], *, generalizer=IGNORE_BOOKKEEPING) -> Callable[[Callable[[], Bloq]], BloqExample]:
    """Decorator: the function ``_name`` returning an instance of ``bloq_cls`` becomes the
    ``BloqExample`` named ``name``."""

    def make(func: Callable[[], Bloq]) -> BloqExample:
        return BloqExample(func=func, name=func.__name__.lstrip("_"), bloq_cls=bloq_cls,
                           generalizer=list(generalizer), docstring=func.__doc__)

    return make
