"""Write ``docs/api.md``, the reference of the public Python API, from the docstrings.

Every name of ``qresource.__all__`` gets a section with its signature and its docstring, in the
groups of ``qresource.PUBLIC_GROUPS``, and the module it is defined in. Run
``python3 -m qresource.api_reference`` after changing a public signature or docstring;
``tests/test_api.py`` fails while the committed file is out of date.
"""

from __future__ import annotations

import enum
import inspect
import re
import sys
from pathlib import Path

import qresource
from qresource.core.io import atomic_write_text

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "docs" / "api.md"

HEADER = """# Python API reference

Generated from the docstrings by `python3 -m qresource.api_reference`; do not edit by hand.

Everything below is importable from the package top (`import qresource`, then
`qresource.estimate_qram(...)`, or `from qresource import ThresholdOracle`). Each name is the
very object the command line uses, defined in the domain module named under it; the package
imports that module the first time the name is used, so `import qresource` itself is instant.
Only these names are public: any other module path may move between releases.

Records (`EstimateRecord`) are the JSON contract of `--json` (`to_dict()`); `to_row()` and
`to_frame()` flatten them for pandas (`records_frame(records)` for several), `answer()` is the
text `qresource estimate` prints, and in Jupyter a record shows that same answer. Bloqs are
ordinary Qualtran bloqs: `get_cost_value`, `show_bloq`, `decompose_bloq` and `call_graph` work on
them, and they compose with any other bloq in a `BloqBuilder` (example in
[notebooks/loaders.ipynb](notebooks/loaders.ipynb) and under `ThresholdOracle` below).

## Changes of import path

The domain layout moved the modules that earlier documentation imported from, without a
deprecation shim: the old paths now fail with `ModuleNotFoundError`. Import from the package
top instead; those names stay put when modules move.

| Earlier path | Public name now |
|---|---|
| `qresource.bloqs.loaders` (`make_loader`, `cheapest_loader`, `TableLoader`) | `qresource.make_loader`, `qresource.cheapest_loader`, `qresource.TableLoader` |
| `qresource.bloqs.loader_kinds`, `qresource.bloqs.bucket_brigade` | `qresource.LoaderKind`, `qresource.BucketBrigadeQRAM` |
| `qresource.bloqs.threshold_oracle` | `qresource.ThresholdOracle`, `qresource.OracleForm` |
| `qresource.bloqs.grover_iterate`, `qresource.bloqs.diffusion` | `qresource.GroverIterate`, `qresource.GroverSearch`, `qresource.GroverDiffusion` |
| `qresource.bloqs.qlaci` | `qresource.Qlaci`, `qresource.QlaciShot` |
| `qresource.estimate.qram` | `qresource.estimate_qram`, `qresource.export_qram`, `qresource.validate_qram` |
| `qresource.estimate.logical`, `qresource.estimate.physical` | `qresource.logical_counts`, `qresource.attach_physical` |
| `qresource.compile.*`, `qresource.verify.*` | `qresource.export`, `qresource.validate` (any bloq) |
| `qresource.classical.costs` and its neighbours (still there, internal) | `qresource.estimate_classical`, `qresource.classical_costs`, ... |

## A threshold oracle inside your own circuit

```python
from qualtran import BloqBuilder
from qualtran.bloqs.basic_gates import XGate
import qresource

oracle = qresource.ThresholdOracle(n=4, d=2, bits=3, q=(1, 2),
                                   keys=((1, 1), (2, -1), (3, 2), (-1, -2)), tau=3)
bb = BloqBuilder()
index, flag = bb.add_register("index", 2), bb.add_register("flag", 1)
index, flag = bb.add(oracle, index=index, flag=flag)   # flag ^= [q . K_index >= tau]
flag = bb.add(XGate(), q=flag)                         # your own gates around it
circuit = bb.finalize(index=index, flag=flag)

qresource.logical_counts(circuit)       # Toffoli, T, qubits, depth of the whole circuit
qresource.validate(circuit)["passed"]   # flattened circuit vs. the bloq's classical action
qresource.export(circuit, "mine.qasm")  # OpenQASM 3, registers index and flag
```
"""


def _signature(obj) -> str:
    try:
        text = str(inspect.signature(obj))
    except (TypeError, ValueError):
        return ""
    return re.sub(r" at 0x[0-9a-f]+", "", text)


def _doc(obj) -> str:
    doc = inspect.getdoc(obj) or "(no docstring)"
    return doc.strip()


def render() -> str:
    """The whole reference as Markdown."""
    parts = [HEADER]
    for group, names in qresource.PUBLIC_GROUPS.items():
        parts.append(f"## {group}\n")
        for name, target in names.items():
            obj = getattr(qresource, name)
            module, attribute = target.split(":")
            kind = "class" if inspect.isclass(obj) else "function"
            defined = f"`{module}.{attribute}`" + ("" if attribute == name else f" (public as `{name}`)")
            if isinstance(obj, enum.EnumMeta):
                signature = ": " + " | ".join(repr(member.value) for member in obj)
            elif hasattr(obj, "__attrs_attrs__"):  # attrs bloqs: their fields, as Qualtran documents bloqs
                signature = "(" + ", ".join(a.name for a in obj.__attrs_attrs__ if a.init) + ")"
            else:
                signature = _signature(obj)
            parts.append(f"### `qresource.{name}{signature}`\n\n{kind}, defined as {defined}\n\n"
                         f"```text\n{_doc(obj)}\n```\n")
    return "\n".join(parts).rstrip() + "\n"


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else DEFAULT_PATH
    atomic_write_text(path, render())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
