"""The package's layout rules: imports run one way between top-level parts (cli -> report,
compare -> domains -> machinery -> core), hardly any import hides inside a function, and
``qresource --help`` answers without importing the heavy libraries.

The package top (``qresource/__init__.py``, the public API) sits beside ``cli``, above
everything else: it re-exports names of the parts below by their import paths and imports none
of them when it loads; ``cli`` calls the same objects from their domain modules and takes only
``__version__`` from the top, so neither depends on the other."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import click
import pytest

from qresource.cli.app import cli

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "qresource"

#: Each part may import only the parts listed (the layers of docs/architecture.md).
ALLOWED = {
    "core": set(),
    "machinery": {"core"},
    "arithmetic": {"core", "machinery"},
    "loaders": {"core", "machinery"},
    "oracle": {"core", "machinery", "arithmetic", "loaders"},
    "grover": {"core", "machinery", "arithmetic", "loaders", "oracle", "classical"},
    "qlaci": {"core", "machinery", "loaders"},
    "qasm": {"core", "machinery"},
    "classical": {"core"},
    "compare": {"core", "classical"},
    "profile": {"core"},
}


def _package_imports():
    """(importing part, imported part, inside a function?) for every import of the package."""
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).parts
        part = relative[0] if len(relative) > 1 else path.stem
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inner = {id(node) for function in ast.walk(tree)
                 if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) for node in ast.walk(function)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("qresource."):
                    yield part, name.split(".")[1], id(node) in inner


def test_parts_import_only_the_layers_below_them():
    wrong = sorted({(a, b) for a, b, _ in _package_imports() if a in ALLOWED and b != a and b not in ALLOWED[a]})
    assert not wrong, f"imports against the layering: {wrong}"


def test_no_import_cycle_between_parts():
    edges: dict[str, set[str]] = {}
    for a, b, _ in _package_imports():
        if a != b:
            edges.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str, seen: frozenset = frozenset()) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in edges.get(start, ()))

    cycles = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if reaches(b, a)})
    assert not cycles


def test_no_package_import_hides_inside_a_function():
    hidden = sorted({(a, b) for a, b, inside in _package_imports() if inside})
    assert not hidden, f"imports of the package inside functions: {hidden}"


def test_help_and_version_import_no_heavy_library():
    probe = ("import sys; from qresource.cli import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('qualtran', 'qiskit', 'sympy', 'numpy', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_listing_summaries_are_the_commands_own():
    context = click.Context(cli)
    for name, summary in cli.summaries.items():
        command = cli.get_command(context, name)
        assert summary == " ".join(command.help.split()), name


def test_package_top_reexports_lazily_and_never_from_cli():
    import qresource

    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    guarded = {id(node) for block in ast.walk(tree)
               if isinstance(block, ast.If) and getattr(block.test, "id", None) == "TYPE_CHECKING"
               for node in ast.walk(block)}
    eager = [node.module for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qresource") and id(node) not in guarded]
    assert not eager, f"the package top imports {eager} when it loads"
    parts = {target.split(".")[1] for target in qresource.PUBLIC.values()}
    assert parts <= set(ALLOWED) | {"report"} and "cli" not in parts


def test_cli_takes_only_the_version_from_the_package_top():
    for path in (PACKAGE / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "qresource":
                assert {alias.name for alias in node.names} <= {"__version__"}, path.name


def _reached(module: str) -> set[str]:
    """The package modules that importing ``module`` loads (imports outside functions, followed)."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        path = PACKAGE.parent.joinpath(*name.split("."))
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        if name in seen or not path.exists():
            continue
        seen.add(name)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # imports inside functions and for type checkers only do not run when the module loads
        inner = {id(node) for block in ast.walk(tree)
                 if isinstance(block, (ast.FunctionDef, ast.AsyncFunctionDef))
                 or (isinstance(block, ast.If) and getattr(block.test, "id", None) == "TYPE_CHECKING")
                 for node in ast.walk(block)}
        for node in ast.walk(tree):
            if id(node) in inner:
                continue
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("qresource"):
                todo.append(node.module)
                todo.extend(f"{node.module}.{alias.name}" for alias in node.names)  # submodules named
            elif isinstance(node, ast.Import):
                todo.extend(alias.name for alias in node.names if alias.name.startswith("qresource"))
    return seen


#: Modules a command's module must not load (what it never uses): QLACI's shots load the rotation
#: synthesis (pygridsynth, cvxpy), the bit-sliced simulator numba; each about a second or more.
_QLACI = ("qresource.qlaci", "qresource.machinery.rotation_synthesis")


@pytest.mark.parametrize("command, unused", [
    ("qresource.cli.grover", _QLACI + ("qresource.machinery.bitsliced",)),
    ("qresource.cli.oracle", _QLACI + ("qresource.grover",)),
    ("qresource.cli.qram", _QLACI + ("qresource.grover", "qresource.oracle")),
])
def test_a_command_loads_only_its_own_domain(command, unused):
    reached = _reached(command)
    assert "qresource.report.physical_options" in reached  # the walk follows the command's imports
    loaded = sorted(m for m in reached if m.startswith(unused))
    assert not loaded, loaded
