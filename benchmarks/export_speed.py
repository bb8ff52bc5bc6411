"""Export speed: a circuit of about 10^6 gates lowered to Clifford+T and written as OpenQASM.

Target (from the project's requirements): a 10^6-gate circuit exports in under 60 s. The
circuit is a chain of in-place ripple-carry additions (Qualtran ``Add``, Gidney 2018), each
flattened to the lowering table's temporary ANDs, measurement-based uncomputations and CNOTs.
Prints the wall-clock and CPU time of each stage and the ratio of the export time to the 60 s
target (on a shared machine the CPU time is the steadier figure).

    python benchmarks/export_speed.py [--adders K] [--bits B]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

TARGET_SECONDS = 60.0


def adder_chain(adders: int, bits: int):
    from qualtran import BloqBuilder, QUInt
    from qualtran.bloqs.arithmetic import Add

    builder = BloqBuilder()
    a = builder.add_register("a", bits)
    b = builder.add_register("b", bits)
    add = Add(QUInt(bits))
    for k in range(adders):
        if k % 2:
            b, a = builder.add(add, a=b, b=a)
        else:
            a, b = builder.add(add, a=a, b=b)
    return builder.finalize(a=a, b=b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adders", type=int, default=1500)
    parser.add_argument("--bits", type=int, default=32)
    args = parser.parse_args()

    from qresource.machinery.circuit_counts import circuit_counts
    from qresource.machinery.flatten import to_circuit
    from qresource.machinery.qasm_export import write_qasm

    start = time.perf_counter()
    bloq = adder_chain(args.adders, args.bits)
    built, built_cpu = time.perf_counter(), time.process_time()
    circuit = to_circuit(bloq)
    lowered, lowered_cpu = time.perf_counter(), time.process_time()
    counts = circuit_counts(circuit)
    counted, counted_cpu = time.perf_counter(), time.process_time()
    instructions = len(circuit.data)
    print(f"circuit: {args.adders} x Add({args.bits} bits): {instructions} instructions, "
          f"{counts.t} T, {counts.clifford} Clifford, {counts.measurements} measurements, "
          f"{counts.qubits} qubits")
    print(f"build {built - start:.1f} s, flatten+lower {lowered - built:.1f} s wall "
          f"({lowered_cpu - built_cpu:.1f} s CPU), count {counted - lowered:.1f} s wall "
          f"({counted_cpu - lowered_cpu:.1f} s CPU)")
    with tempfile.TemporaryDirectory() as directory:
        for version in (3, 2):
            path = os.path.join(directory, f"chain.qasm{version}")
            t0, c0 = time.perf_counter(), time.process_time()
            write_qasm(circuit, version, path)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            size = os.path.getsize(path)
            print(f"OpenQASM {version}: {seconds:.1f} s wall ({cpu:.1f} s CPU) for {size / 1e6:.1f} MB; "
                  f"ratio to the {TARGET_SECONDS:.0f} s target: {seconds / TARGET_SECONDS:.2f}")
    total = time.perf_counter() - built
    print(f"flatten, lower, count, OpenQASM 3 and 2, end to end: {total:.1f} s wall "
          f"(ratio {total / TARGET_SECONDS:.2f} of the target)")


if __name__ == "__main__":
    main()
