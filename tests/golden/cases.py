"""The fixed list of CLI calls whose output is held byte for byte (timings aside).

Any change that moves a number shows up here as a failing case; regenerate the expected
outputs with ``python3 -m tests.golden.regenerate`` only when the change is meant to move it,
and say so in the commit.
"""

from __future__ import annotations

import re

CIRCUITS = "circuits/instances"
ORACLE = f"{CIRCUITS}/oracle-n4-d2.json"
QRAM = f"{CIRCUITS}/qram-n8-b3.json"
GOLDEN_INPUTS = "tests/golden/inputs"

#: name -> argv; ``OUT`` marks an output file whose bytes are held too.
CASES: dict[str, list[str]] = {
    # estimate: every primitive, both models where there are two, several loaders
    "estimate-qram-bb": ["estimate", "qram", "--loader", "bucket-brigade", "--n", "16", "--bits", "4", "--json"],
    "estimate-qram-fanout": ["estimate", "qram", "--loader", "fanout", "--n", "16", "--bits", "4", "--json"],
    "estimate-qram-qrom": ["estimate", "qram", "--loader", "qrom", "--n", "2**20", "--bits", "8", "--json"],
    "estimate-qram-qroam": ["estimate", "qram", "--loader", "qroam", "--n", "2**20", "--bits", "8", "--json"],
    "estimate-qram-text": ["estimate", "qram", "--loader", "qrom", "--n", "1024", "--bits", "8"],
    "estimate-oracle-qrom": ["estimate", "oracle", "--n", "1024", "--d", "8", "--bits", "6", "--json"],
    "estimate-oracle-bb-phase": ["estimate", "oracle", "--n", "64", "--d", "4", "--bits", "4",
                                 "--loader", "bucket-brigade", "--form", "phase", "--json"],
    "estimate-oracle-fanout-phase": ["estimate", "oracle", "--n", "64", "--d", "4", "--bits", "4",
                                     "--loader", "fanout", "--form", "phase", "--json"],
    "estimate-oracle-qroam": ["estimate", "oracle", "--n", "4096", "--d", "4", "--bits", "4", "--loader", "qroam", "--json"],
    "estimate-oracle-instance": ["estimate", "oracle", "--instance", ORACLE, "--json"],
    "estimate-grover-both": ["estimate", "grover", "--n", "1024", "--k", "4", "--d", "8", "--model", "both", "--json"],
    "estimate-grover-bb": ["estimate", "grover", "--n", "256", "--k", "2", "--d", "4", "--loader", "bucket-brigade", "--json"],
    "estimate-grover-fanout": ["estimate", "grover", "--n", "256", "--k", "2", "--d", "4", "--loader", "fanout", "--json"],
    "estimate-grover-text": ["estimate", "grover", "--n", "256", "--k", "2", "--d", "4"],
    "estimate-attention-both": ["estimate", "attention", "--n", "4096", "--k", "32", "--d", "64", "--model", "both", "--json"],
    "estimate-attention-unknown": ["estimate", "attention", "--n", "1024", "--k", "8", "--d", "16",
                                   "--schedule", "unknown", "--json"],
    "estimate-attention-huge": ["estimate", "attention", "--n", "2**30", "--k", "32", "--d", "128", "--json"],
    "estimate-attention-text": ["estimate", "attention", "--n", "4096", "--k", "32", "--d", "64"],
    "estimate-attention-k-from": ["estimate", "attention", "--k-from", f"{GOLDEN_INPUTS}/profile-minilm-n64-3heads.json",
                                  "--model", "both", "--json"],
    "estimate-attention-k-from-head": ["estimate", "attention", "--k-from",
                                       f"{GOLDEN_INPUTS}/profile-minilm-n64-3heads.json", "--head", "1:8",
                                       "--k-stat", "p99", "--n", "1024", "--model", "query", "--json"],
    # profile: the exact --qk path (a model's logits depend on the machine's float32 arithmetic)
    "profile-qk": ["profile", "--qk", f"{GOLDEN_INPUTS}/qk-n8-d2.npz", "--tau", "3", "--json"],
    "profile-qk-text": ["profile", "--qk", f"{GOLDEN_INPUTS}/qk-n8-d2.npz"],
    "estimate-qlaci-prototype": ["estimate", "qlaci", "--preset", "prototype", "--json"],
    "estimate-qlaci-prototype-loader": ["estimate", "qlaci", "--preset", "prototype", "--feature-map", "loader", "--json"],
    "estimate-qlaci-causal": ["estimate", "qlaci", "--preset", "prototype", "--causal", "--query-position", "5", "--json"],
    "estimate-classical": ["estimate", "classical", "--n", "1024,4096", "--d", "64", "--k", "8", "--json"],
    # the human form of every estimate (lines within 80 columns, whatever the terminal)
    "estimate-grover-verbose-text": ["estimate", "grover", "--n", "256", "--k", "2", "--d", "4", "--verbose"],
    "estimate-grover-query-text": ["estimate", "grover", "--n", "1024", "--k", "4", "--d", "8", "--model", "query"],
    "estimate-oracle-text": ["estimate", "oracle", "--n", "1024", "--d", "8", "--bits", "6"],
    "estimate-qram-sweep-text": ["estimate", "qram", "--loader", "qroam", "--n", "2**10,2**20", "--bits", "8"],
    "estimate-qlaci-text": ["estimate", "qlaci", "--preset", "prototype"],
    "estimate-classical-text": ["estimate", "classical", "--n", "4096", "--d", "64", "--k", "8"],
    "estimate-attention-physical-text": ["estimate", "attention", "--n", "1024", "--k", "8", "--d", "16", "--physical"],
    "count-text": ["count", "circuits/examples/rotations.qasm"],
    "breakeven-json": ["breakeven", "--algorithm", "grover-query,grover-qrom", "-n", "1024", "-k", "8", "-d", "64",
                       "--json"],
    "breakeven-text": ["breakeven", "--algorithm", "grover-qroam", "--crossover"],
    # physical estimates
    "estimate-oracle-physical": ["estimate", "oracle", "--n", "1024", "--d", "8", "--bits", "6", "--physical", "--json"],
    "estimate-attention-physical": ["estimate", "attention", "--n", "4096", "--k", "32", "--d", "64", "--physical", "--json"],
    # tables
    "table-csv": ["table", "--n", "64,1024", "--k", "2", "--d", "4", "--format", "csv"],
    "table-markdown": ["table", "--n", "256", "--k", "4", "--d", "8", "--format", "markdown"],
    # export of the reference circuits
    "export-qram-bb": ["export", "qram", "--loader", "bucket-brigade", "--data", QRAM, "--qasm", "3", "--output", "OUT"],
    "export-qram-fanout": ["export", "qram", "--loader", "fanout", "--data", QRAM, "--qasm", "3", "--output", "OUT"],
    "export-qram-qroam": ["export", "qram", "--loader", "qroam", "--data", QRAM, "--qasm", "2", "--output", "OUT"],
    "export-oracle": ["export", "oracle", "--instance", ORACLE, "--qasm", "3", "--output", "OUT"],
    "export-grover": ["export", "grover", "--instance", ORACLE, "--qasm", "2", "--output", "OUT"],
    "export-qlaci": ["export", "qlaci", "--preset", "prototype", "--feature-map", "multiplexed", "--qasm", "3",
                     "--output", "OUT"],
    # count
    "count-rotations": ["count", "circuits/examples/rotations.qasm", "--json"],
    "count-grover": ["count", "circuits/grover-qrom-n4-k1.qasm3", "--json"],
    # validate
    "validate-qram": ["validate", "qram", "--loader", "qroam", "--data", QRAM, "--seed", "5", "--json"],
    "validate-oracle": ["validate", "oracle", "--instance", ORACLE, "--json"],
    "validate-grover": ["validate", "grover", "--instance", ORACLE, "--seed", "5", "--shots", "200", "--json"],
    "validate-qlaci": ["validate", "qlaci", "--preset", "prototype", "--feature-map", "multiplexed", "--seed", "5",
                       "--shots", "100", "--json"],
}

#: Wall-clock timings and the memory available at run time are the only things allowed to differ.
_VOLATILE = [(re.compile(r'("[a-z_]*seconds[a-z_]*": )[0-9.eE+-]+'), r"\1T"),
             (re.compile(r"[0-9.]+ s\)"), "T s)"),
             (re.compile(r"limit of [0-9.]+ [KMGTP]?i?B"), "limit of M")]


def normalised(text: str) -> str:
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text
