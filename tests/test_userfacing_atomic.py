"""Every file the package writes goes through ``qresource.core.io``'s atomic writers: a scan of the
source for the calls that write a file directly (``open`` in a writing mode, ``write_text``,
``write_bytes``, ``savefig`` or ``to_csv`` to a path) finds none outside ``qresource/core/io.py``."""

from __future__ import annotations

import ast
from pathlib import Path

import qresource

PACKAGE = Path(qresource.__file__).resolve().parent
DIRECT_WRITERS = {"write_text", "write_bytes"}
PATH_WRITERS = {"savefig", "to_csv", "to_parquet", "to_json", "to_excel", "dump_qasm"}


def _string(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def direct_writes(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name == "open":
            if node.args and _is_devnull(node.args[0]):
                continue  # the null device keeps nothing, so nothing can be half-written
            modes = [_string(a) for a in node.args[1:2]] + [_string(k.value) for k in node.keywords if k.arg == "mode"]
            if any(m and set(m) & set("wax+") for m in modes):
                lines.append(node.lineno)
        elif name in DIRECT_WRITERS:
            lines.append(node.lineno)
        elif name in PATH_WRITERS and node.args and _looks_like_path(node.args[0]):
            lines.append(node.lineno)
    return sorted(lines)


def _is_devnull(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "devnull"


def _looks_like_path(node) -> bool:
    """A file name or path (a string, an f-string, ``a / b``, or a name saying path or file),
    as opposed to an in-memory buffer or a data frame handed to a rendering helper."""
    if isinstance(node, (ast.JoinedStr, ast.BinOp)) or _string(node) is not None:
        return True
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return any(word in name.lower() for word in ("path", "file", "output", "target", "dest"))


def test_scanner_finds_direct_writes():
    assert direct_writes("open(p, 'w').write(x)\nPath(p).write_text(t)\nfig.savefig('a.png')\n") == [1, 2, 3]
    assert direct_writes("open(p)\nopen(p, 'rb')\nfig.savefig(buffer)\nto_csv(frame)\n") == []
    assert direct_writes("frame.to_csv(out / 'a.csv')\nframe.to_csv(output_path)\n") == [1, 2]
    assert direct_writes("open(os.devnull, 'wb')\nopen(devnull_path, 'wb')\n") == [2]


def test_no_direct_file_writes_in_the_package():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "core" / "io.py":
            continue
        for line in direct_writes(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line}")
    assert not offenders, f"write through qresource.core.io.atomic_write_*: {offenders}"
