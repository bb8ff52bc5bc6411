"""``qresource count``: OpenQASM 2 and 3 read, lowered exactly and counted, checked against
Qiskit's own count_ops / depth on the same circuits, with one-line errors naming file and line."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qresource.cli import main
from qresource.cli.app import cli
from qresource.core.errors import QResourceError
from qresource.machinery.rotation_synthesis import gridsynth_t_count, t_per_rotation
from qresource.qasm.count import count_qasm
from qresource.qasm.lower import lower_circuit
from qresource.qasm.read import read_qasm

QASM2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
QASM3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'
T_NAMES = ("t", "tdg")


def write(tmp_path, text: str, name: str = "c.qasm"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def independent_counts(qc) -> dict[str, int]:
    """Qiskit's own view: Toffoli-class gates replaced by Qiskit's definitions (ccx: 7 T, 6 CX,
    2 H, Nielsen and Chuang Fig. 4.9; cswap: CX, ccx, CX), then count_ops and depth()."""
    toffoli = sum(qc.count_ops().get(name, 0) for name in ("ccx", "cswap"))
    flat = qc.decompose(gates_to_decompose=["cswap"]).decompose(gates_to_decompose=["ccx"])
    ops = flat.count_ops()
    return {
        "qubits": qc.num_qubits,
        "toffoli": toffoli,
        "t": sum(ops.get(name, 0) for name in T_NAMES),
        "clifford": sum(v for k, v in ops.items() if k in ("h", "s", "sdg", "x", "y", "z", "cx", "cz", "swap")),
        "measurements": ops.get("measure", 0),
        "depth": flat.depth(),
        "t_depth": flat.depth(filter_function=lambda inst: inst.operation.name in T_NAMES),
    }


# --- hand-written circuits ------------------------------------------------------------------------

HAND2 = QASM2 + """qreg a[3];
creg c[3];
h a[0];
t a[0];
cx a[0],a[1];
tdg a[1];
ccx a[0],a[1],a[2];
s a[2];
measure a -> c;
"""


def test_hand_written_qasm2_counts(tmp_path):
    record = count_qasm(write(tmp_path, HAND2))
    logical = record.logical.as_dict()
    # 3 qubits; one ccx -> toffoli 1; T: t + tdg + 7 inside the ccx = 9; Cliffords: h, cx, s
    # plus the ccx's 6 CX and 2 H = 11; three measurements; no rotation.
    assert logical["qubits"] == 3
    assert logical["toffoli"] == 1
    assert logical["t"] == 9
    assert logical["clifford"] == 11
    assert logical["rotations"] == 0
    assert logical["measurements"] == 3
    qc = read_qasm(tmp_path / "c.qasm")
    expected = independent_counts(qc)
    assert logical["depth"] == expected["depth"]
    assert logical["t_depth"] == expected["t_depth"]
    assert record.registers == {"a": 3}
    assert record.synthesis["t_total"] == 9


HAND3 = QASM3 + """qubit[2] q;
bit[2] c;
gate tt a { t a; t a; }
for int i in [0:2] { tt q[0]; }
rz(pi/4) q[1];
rz(0.3) q[1];
c[0] = measure q[0];
if (c[0]) { x q[1]; }
c[1] = measure q[1];
"""


def test_hand_written_qasm3_with_gate_loop_and_if(tmp_path):
    record = count_qasm(write(tmp_path, HAND3), synthesis="formula", eps=1e-6)
    logical = record.logical.as_dict()
    # the loop runs tt three times (range [0:2] is inclusive): 6 T; rz(pi/4) is a T: 7 T.
    # rz(0.3) is the one rotation; the if body is one X (a Clifford); two measurements.
    assert logical["t"] == 7
    assert logical["rotations"] == 1
    assert logical["clifford"] == 1
    assert logical["measurements"] == 2
    assert logical["qubits"] == 2
    # formula: ceil(3 log2(1e6)) + 2 = ceil(59.79) + 2 = 62 T for the rotation.
    assert record.synthesis["t_count"] == 62
    assert record.synthesis["t_total"] == 69
    assert record.params["qasm_version"] == 3


def test_rotation_synthesis_costs():
    # Ross–Selinger leading term plus pygridsynth's measured mean excess: ceil(99.66) + 2.
    assert t_per_rotation(1e-10) == 102
    assert t_per_rotation(0.125) == 11  # 3 log2(8) = 9 exactly, + 2
    exact = gridsynth_t_count(0.3, 1e-10)
    # gridsynth's count sits within a few T of the leading term at this precision.
    assert abs(exact - 100) <= 10
    # A finer precision needs more T.
    assert gridsynth_t_count(0.3, 1e-4) < exact


def test_gridsynth_count_matches_the_synthesised_unitary():
    """The gate string gridsynth returns really approximates Rz(0.3) to eps, and its T count is
    what the count reports (checked with numpy, independently of pygridsynth's own check)."""
    import mpmath
    import numpy as np
    from pygridsynth import gridsynth_gates

    eps = 1e-4
    gates = gridsynth_gates(theta=mpmath.mpf(0.3), epsilon=mpmath.mpf(eps), up_to_phase=True)
    mats = {
        "H": np.array([[1, 1], [1, -1]]) / math.sqrt(2),
        "T": np.diag([1, np.exp(1j * math.pi / 4)]),
        "S": np.diag([1, 1j]),
        "X": np.array([[0, 1], [1, 0]]),
        "W": np.exp(1j * math.pi / 4) * np.eye(2),
    }
    unitary = np.eye(2)
    for gate in gates:
        unitary = unitary @ mats[gate]
    target = np.diag([np.exp(-0.15j), np.exp(0.15j)])
    overlap = abs(np.trace(target.conj().T @ unitary)) / 2
    distance = math.sqrt(max(0.0, 1 - overlap**2))  # operator-norm distance up to phase
    assert distance <= eps * 1.0001
    assert gates.count("T") == gridsynth_t_count(0.3, eps)


def test_u3_is_three_rotations_and_pi_over_4_angles_are_clifford_t(tmp_path):
    text = QASM2 + "qreg q[1];\nu3(0.1,0.2,0.3) q[0];\nrz(pi/2) q[0];\nrz(-pi/4) q[0];\nrx(pi) q[0];\n"
    logical = count_qasm(write(tmp_path, text), synthesis="formula").logical
    # U(theta, phi, lambda) = Rz(phi) Ry(theta) Rz(lambda): three rotations; rz(pi/2) = S,
    # rz(-pi/4) = T-dagger (one T), rx(pi) = X up to phase.
    assert logical.rotations == 3
    assert logical.t == 1


@pytest.mark.parametrize(
    "body",
    [
        "h q[0]; cp(0.4) q[0],q[1]; crz(1.1) q[1],q[2]; rzz(0.7) q[0],q[2];",
        "u3(0.1,0.2,0.3) q[0]; rx(0.5) q[1]; ry(2.0) q[2]; ch q[0],q[1]; cu3(0.3,0.2,0.1) q[2],q[0];",
        "sx q[0]; sxdg q[1]; rxx(0.2) q[1],q[2]; cswap q[0],q[1],q[2]; u2(0.3,0.4) q[2];",
        "gate g(a) x, y { cx x, y; rz(a) y; u1(pi/4) x; } g(0.9) q[0],q[2]; c3x q[0],q[1],q[2],q[3];",
    ],
)
def test_lowering_is_exact(body):
    """The lowered circuit implements the same unitary (up to global phase) as the original."""
    from qiskit import qasm2
    from qiskit.quantum_info import Operator

    qc = qasm2.loads(QASM2 + "qreg q[4];\n" + body, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    lowered = lower_circuit(qc)
    assert set(lowered.count_ops()) <= {"h", "s", "sdg", "t", "tdg", "x", "y", "z", "sx", "sxdg",
                                         "cx", "cz", "swap", "rz", "rx", "ry", "ccx", "cswap", "mcx"}
    assert Operator(lowered).equiv(Operator(qc))


# --- circuits written by Qiskit --------------------------------------------------------------------

GATES_1 = ("h", "s", "sdg", "x", "y", "z", "t", "tdg")
GATES_2 = ("cx", "cz", "swap")
GATES_3 = ("ccx", "cswap")


@st.composite
def clifford_t_circuits(draw):
    from qiskit import QuantumCircuit

    n = draw(st.integers(3, 5))
    qc = QuantumCircuit(n, n)
    for _ in range(draw(st.integers(0, 25))):
        arity = draw(st.sampled_from((1, 1, 2, 3)))
        qubits = draw(st.permutations(range(n)))[:arity]
        name = draw(st.sampled_from({1: GATES_1, 2: GATES_2, 3: GATES_3}[arity]))
        getattr(qc, name)(*qubits)
    if draw(st.booleans()):
        qc.measure(range(n), range(n))
    return qc


@settings(max_examples=20, deadline=None, derandomize=True)
@given(qc=clifford_t_circuits(), version=st.sampled_from((2, 3)))
def test_qiskit_written_circuits_match_qiskit_counts(tmp_path_factory, qc, version):
    from qiskit import qasm2, qasm3

    text = qasm2.dumps(qc) if version == 2 else qasm3.dumps(qc)
    path = write(tmp_path_factory.mktemp("q"), text)
    record = count_qasm(path)
    expected = independent_counts(qc)
    logical = record.logical.as_dict()
    for key, value in expected.items():
        if key == "toffoli":
            # Structures equal to a Toffoli written out gate by gate are counted too; random
            # circuits of at most 25 gates never contain one (15 gates in a fixed pattern).
            assert logical[key] == value
        else:
            assert logical[key] == value, key
    assert logical["rotations"] == 0


# --- errors: one line, naming the file and the line ------------------------------------------------

BAD = [
    ("unknown2", QASM2 + "qreg q[2];\nfoo q[0];\n", r":4:\d+: 'foo' is not defined"),
    ("syntax2", QASM2 + "qreg q[2];\nh q[0]\ncx q[0],q[1];\n", r":5:\d+: needed ';'"),
    ("range2", QASM2 + "qreg q[2];\nh q[5];\n", r":4:\d+: index 5 is out-of-range"),
    ("arity2", QASM2 + "qreg q[2];\ncx q[0];\n", r":4:\d+: 'cx' takes 2 quantum arguments"),
    ("divzero2", QASM2 + "qreg q[1];\nrz(1/0) q[0];\n", r":4:\d+: cannot divide by zero"),
    ("huge_int2", QASM2 + "qreg q[99999999999999999999];\n", r":3:\d+: integer .* too large"),
    ("inf2", QASM2 + "qreg q[1];\nrz(1e400) q[0];\n", r":4:\d+: number 1e400 overflows"),
    ("opaque2", QASM2 + "opaque magic a;\nqreg q[1];\nmagic q[0];\n", r":5: gate 'magic' has no definition"),
    ("version", "OPENQASM 4.0;\nqreg q[1];\n", r":1:\d+: OpenQASM version 4 is not supported"),
    ("include", 'OPENQASM 2.0;\ninclude "missing.inc";\n', r":2:\d+: unable to find 'missing.inc'"),
    ("unknown3", QASM3 + "qubit[2] q;\nfoo q[0];\n", r":4:\d+: gate 'foo' is not defined"),
    ("syntax3", QASM3 + "qubit[2] q;\nh q[0]\nx q[1];\n", r":5:\d+: syntax error at 'x'"),
    ("eof3", QASM3 + "qubit[2] q;\nh q[0]", r":4:\d+: syntax error at 'end of file'"),
    ("while3", QASM3 + "qubit q;\nbit c;\nc = measure q;\nwhile (c) { c = measure q; }\n", r":6:\d+: 'while' loop"),
    ("def3", QASM3 + "qubit q;\ndef f(qubit a) { h a; }\n", r":4:\d+: subroutine definitions"),
    ("input3", QASM3 + "input float theta;\nqubit q;\nrz(theta) q;\n", r":5: gate 'rz' has an unbound parameter"),
    ("empty", "", r": empty file"),
    ("comment_only", "// nothing here\n/* at all */\n", r": empty file"),
    ("big_register", QASM2 + "qreg q[9000000000000000000];\n", r"needs about .* --max-memory"),
    # Qiskit 2.6's native OpenQASM 3 importer crashes the interpreter near 20,000 levels.
    ("deep3", QASM3 + "qubit q;\nrz(" + "(" * 20000 + "1" + ")" * 20000 + ") q;\n", r":4:\d+: brackets nested more than 500 deep"),
]


@pytest.mark.parametrize("name,text,pattern", BAD, ids=[b[0] for b in BAD])
def test_bad_files_give_one_line_naming_file_and_line(tmp_path, name, text, pattern, capsys):
    path = write(tmp_path, text, f"{name}.qasm")
    with pytest.raises(SystemExit) as exit_info:
        main(["count", str(path)])
    assert exit_info.value.code not in (0, None)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert f"{path}" in lines[0]
    assert re.search(pattern, lines[0]), lines[0]


def test_binary_and_non_utf8_files(tmp_path):
    (tmp_path / "bin.qasm").write_bytes(b"OPENQASM 2.0;\x00\x01")
    (tmp_path / "latin.qasm").write_bytes(QASM2.encode() + b"// caf\xe9\n")
    with pytest.raises(QResourceError, match="binary file"):
        count_qasm(tmp_path / "bin.qasm")
    with pytest.raises(QResourceError, match="not UTF-8"):
        count_qasm(tmp_path / "latin.qasm")


def test_memory_guard_names_size_and_option(tmp_path):
    path = write(tmp_path, QASM2 + "qreg q[100000];\n")
    result = CliRunner().invoke(cli, ["count", str(path), "--max-memory", "1M"])
    assert result.exit_code != 0
    assert "--max-memory" in str(result.exception) and "MiB" in str(result.exception)
    ok = CliRunner().invoke(cli, ["count", str(path), "--max-memory", "1G", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["logical"]["qubits"] == 100000


# --- the command line --------------------------------------------------------------------------------

def test_cli_json_has_the_estimate_keys(tmp_path):
    path = write(tmp_path, HAND2)
    result = CliRunner().invoke(cli, ["count", str(path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload["logical"]) == {"qubits", "toffoli", "t", "clifford", "rotations",
                                       "measurements", "depth", "t_depth", "lattice_surgery_depth"}
    assert payload["primitive"] == "circuit"
    assert payload["synthesis"]["eps"] == 1e-10


def test_cli_physical_matches_the_estimator_on_the_same_counts(tmp_path):
    path = write(tmp_path, HAND2)
    result = CliRunner().invoke(cli, ["count", str(path), "--json", "--physical"])
    assert result.exit_code == 0, result.output
    physical = json.loads(result.output)["physical"]
    import contextlib
    import io
    import warnings

    from qdk.estimator import LogicalCounts
    from qdk.qre import Application, estimate
    from qdk.qre.interop import trace_from_entry_expr

    from qresource.machinery.physical import (
        ARCHITECTURES,
        Architecture,
        QecCode,
        Settings,
        _factories,
        _isa_query,
    )

    # qdk.qre directly, on the trace qdk itself builds from the same counts, with the default
    # architecture, code and factories: the headline is its least qubit-seconds point
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        trace = trace_from_entry_expr(LogicalCounts(physical["estimator_input"]))

    class Direct(Application[None]):
        def get_trace(self, parameters: None):
            return trace

    with contextlib.redirect_stdout(io.StringIO()):
        table = estimate(Direct(), ARCHITECTURES[Architecture.GATE_BASED_NS_E3].build(),
                         _isa_query(QecCode.SURFACE_CODE, _factories(Settings.resolve())), max_error=1e-3)
    best = min(table, key=lambda e: (e.qubits * e.runtime, e.qubits))
    assert (physical["physical_qubits"], physical["unit_runtime_ns"]) == (best.qubits, best.runtime)
    assert physical["estimator_input"]["numQubits"] == 3 and physical["toffoli_mapping"] == "t"


def test_console_script_subprocess(tmp_path):
    path = write(tmp_path, HAND2)
    ok = subprocess.run([sys.executable, "-m", "qresource", "count", str(path), "--json"],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and json.loads(ok.stdout)["logical"]["toffoli"] == 1
    assert ok.stderr == ""  # no progress bar or warning when stderr is not a terminal


def test_bad_option_value_is_a_usage_error(tmp_path, capsys):
    path = write(tmp_path, HAND2)
    with pytest.raises(SystemExit) as exit_info:
        main(["count", str(path), "--eps", "2"])
    assert exit_info.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
