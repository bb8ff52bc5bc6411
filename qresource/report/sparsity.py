"""Measured sparsity in pictures, text and the report: a heatmap of mean k over (layer, head), k
against n for the densest heads, a plain-text summary for ``qresource profile``, and the report's
"measured sparsity" section (the bundled text's profile and the Grover estimate with measured k
beside an assumed one)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from qresource.core.errors import QResourceError
from qresource.profile import api as profile_api
from qresource.profile.model import load_encoder
from qresource.report import render, sources

#: k values the report asks "(tau, k)-good?" for, and the assumed k the measured one is set beside.
GOOD_KS = (8, 32, 128)
ASSUMED_K = 32
DENSEST = 5


def _lists(profile: dict, key: str = "heads") -> tuple[list[int], list[list[dict]]]:
    """(ns, head lists per n) whether the profile has one n or several."""
    heads = profile[key] if key == "heads" else profile["shifted"]["heads"]
    if isinstance(profile["n"], list):
        return list(profile["n"]), heads
    return [profile["n"]], [heads]


def _grid(heads: list[dict], value: str) -> np.ndarray:
    layers = 1 + max(h["layer"] for h in heads)
    per_layer = 1 + max(h["head"] for h in heads)
    grid = np.full((layers, per_layer), np.nan)
    for h in heads:
        grid[h["layer"], h["head"]] = h[value]
    return grid


def heatmap_png(profile: dict) -> bytes:
    """Mean k per row over (layer, head) at the profile's largest n, both conventions."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    ns, raw = _lists(profile)
    _, shifted = _lists(profile, "shifted")
    n = ns[-1]
    with matplotlib.rc_context(render.RC_PARAMS):
        figure, axes = plt.subplots(1, 2, figsize=(11.0, 4.2))
        try:
            for axis, heads, name in ((axes[0], raw[-1], "raw logits"), (axes[1], shifted[-1], "shifted rows")):
                grid = _grid(heads, "k_mean")
                image = axis.imshow(grid, cmap="viridis", vmin=0.0, vmax=float(n), aspect="auto")
                axis.set_xticks(range(grid.shape[1]))
                axis.set_yticks(range(grid.shape[0]))
                axis.set_xlabel("head")
                axis.set_ylabel("layer")
                axis.set_title(f"mean k per row, {name} (n = {n})")
                axis.grid(False)
                for (layer, head), value in np.ndenumerate(grid):
                    if np.isfinite(value):
                        label = "<.01" if 0 < value < 0.01 else f"{value:.3g}"
                        axis.text(head, layer, label, ha="center", va="center", fontsize=6,
                                  color="white" if value < n / 2 else "black")
                figure.colorbar(image, ax=axis, label="k")
            figure.suptitle(f"{profile.get('model') or 'Q K^T'}: entries >= tau = 2 ln n per row")
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", metadata={"Software": None})
        finally:
            plt.close(figure)
    return buffer.getvalue()


def densest(profile: dict, count: int = DENSEST) -> list[dict]:
    """The raw-convention heads with the largest mean k at the largest n."""
    _, raw = _lists(profile)
    return sorted(raw[-1], key=lambda h: (-h["k_mean"], h["layer"], h["head"]))[:count]


def k_vs_n_png(profile: dict, count: int = DENSEST) -> bytes:
    """Mean k per row against n for the densest heads, and the densest head's maximum (raw logits)."""
    ns, raw = _lists(profile)
    series = []
    for head in densest(profile, count):
        rows = [next(h for h in heads if (h["layer"], h["head"]) == (head["layer"], head["head"])) for heads in raw]
        series.append((f"head {head['layer']}:{head['head']} mean k", ns, [h["k_mean"] for h in rows]))
        if not series[1:]:
            first = (f"head {head['layer']}:{head['head']} max k", ns, [h["k_max"] for h in rows])
    series.append(first)
    return render.loglog_png(series, title="k per row against n, densest heads (raw logits, tau = 2 ln n)",
                             xlabel="sequence length n", ylabel="entries >= tau per row",
                             hlines=[(float(k), f"k = {k}") for k in GOOD_KS])


def write_pictures(profile: dict, directory: str | Path, prefix: str = "") -> list[str]:
    """PREFIXheatmap.png, and PREFIXk_vs_n.png when the profile has several n; returns the names
    written."""
    out = Path(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QResourceError(f"cannot create {out}: {exc.strerror or exc}") from None
    names = [f"{prefix}heatmap.png"]
    render.write_png(heatmap_png(profile), out / names[0])
    if len(_lists(profile)[0]) > 1:
        names.append(f"{prefix}k_vs_n.png")
        render.write_png(k_vs_n_png(profile), out / names[1])
    return names


def layer_table(profile: dict) -> pd.DataFrame:
    """Mean k per row for each layer (averaged over its heads), each n and both conventions."""
    ns, raw = _lists(profile)
    _, shifted = _lists(profile, "shifted")
    rows = []
    for n, raw_heads, shifted_heads in zip(ns, raw, shifted):
        for layer in sorted({h["layer"] for h in raw_heads}):
            rows.append({
                "n": n, "layer": layer,
                "raw_k_mean": float(np.mean([h["k_mean"] for h in raw_heads if h["layer"] == layer])),
                "raw_k_max": max(h["k_max"] for h in raw_heads if h["layer"] == layer),
                "raw_gap_rows": float(np.mean([h["rows_gap_fraction"] for h in raw_heads if h["layer"] == layer])),
                "shifted_k_mean": float(np.mean([h["k_mean"] for h in shifted_heads if h["layer"] == layer])),
                "shifted_gap_rows": float(np.mean([h["rows_gap_fraction"] for h in shifted_heads
                                                   if h["layer"] == layer])),
            })
    return pd.DataFrame(rows, dtype=object)


def head_table(profile: dict) -> pd.DataFrame:
    """Every head at every n: the contract's statistics under both conventions."""
    ns, raw = _lists(profile)
    _, shifted = _lists(profile, "shifted")
    rows = []
    for n, raw_heads, shifted_heads in zip(ns, raw, shifted):
        for r, s in zip(raw_heads, shifted_heads):
            rows.append({
                "n": n, "layer": r["layer"], "head": r["head"], "rows": r["rows"], "k_mean": r["k_mean"],
                "k_p50": r["k_p50"], "k_p90": r["k_p90"], "k_p99": r["k_p99"], "k_max": r["k_max"],
                "rows_k0_fraction": r["rows_k0_fraction"], "rows_gap_fraction": r["rows_gap_fraction"],
                "eta_needed": r["eta_needed"], "k_mean_slope": r.get("k_mean_slope"),
                "shifted_k_mean": s["k_mean"], "shifted_k_max": s["k_max"],
                "shifted_gap_fraction": s["rows_gap_fraction"], "shifted_eta_needed": s["eta_needed"],
            })
    return pd.DataFrame(rows, dtype=object)


def good_counts(profile: dict, ks=GOOD_KS) -> pd.DataFrame:
    """Per n and k: heads that are (tau, k)-good (Definition 1.2: every row has k_i <= k), and
    those that also meet Theorem 1.3's gap condition in every row, under both conventions."""
    ns, raw = _lists(profile)
    _, shifted = _lists(profile, "shifted")
    rows = []
    for n, raw_heads, shifted_heads in zip(ns, raw, shifted):
        for k in ks:
            rows.append({
                "n": n, "k": k, "heads": len(raw_heads),
                "raw_good": sum(h["k_max"] <= k for h in raw_heads),
                "raw_good_with_gap": sum(h["k_max"] <= k and h["rows_gap_fraction"] == 1.0 for h in raw_heads),
                "shifted_good_with_gap": sum(h["k_max"] <= k and h["rows_gap_fraction"] == 1.0
                                             for h in shifted_heads),
            })
    return pd.DataFrame(rows, dtype=object)


def summary_text(profile: dict) -> str:
    """``qresource profile`` without --json: per-layer means, the densest heads, (tau, k)-good counts."""
    ns, _ = _lists(profile)
    taus = profile["tau"] if isinstance(profile["tau"], list) else [profile["tau"]]
    lines = [f"profile of {profile.get('model') or profile.get('source')}"
             + (f" on {profile['text']} ({profile['windows']} window(s))" if profile.get("text") else ""),
             "n = " + ", ".join(f"{n} (tau = {t:.4g})" for n, t in zip(ns, taus)),
             "k = entries >= tau per row; gap = rows whose other entries all lie in [-eta, 0]", "",
             "per layer (mean over heads):", render.to_markdown(layer_table(profile)),
             f"densest heads at n = {ns[-1]} (raw logits):"]
    for h in densest(profile):
        slope = h.get("k_mean_slope")
        lines.append(f"  {h['layer']}:{h['head']}  k mean {h['k_mean']:.4g}, p50 {h['k_p50']:.4g}, "
                     f"p99 {h['k_p99']:.4g}, max {h['k_max']}, k = 0 in {h['rows_k0_fraction']:.1%} of rows, "
                     f"gap in {h['rows_gap_fraction']:.1%}" + ("" if slope is None else f", slope in n {slope:.3g}"))
    lines += ["", "heads that are (tau, k)-good:", render.to_markdown(good_counts(profile))]
    return "\n".join(lines)


def estimate_beside_assumed(profile: dict, head: dict, n: int, d: int, loader: str = "qrom") -> pd.DataFrame:
    """Grover attention at (n, d) with the head's measured k_max beside the assumed k."""
    measured = max(1, int(head["k_max"]))
    rows = []
    for label, k in ((f"measured: head {head['layer']}:{head['head']} max", measured), ("assumed", ASSUMED_K)):
        if k > n:
            continue
        query = sources.grover_query(n, k, d)
        circuit = sources.grover_circuit(n, k, d, None, loader)
        logical = circuit["logical"]
        rows.append({"k_source": label, "n": n, "d": d, "k": k, "queries": query["queries"],
                     "loader": loader, "toffoli": logical.toffoli, "t": logical.t, "qubits": logical.qubits})
    return pd.DataFrame(rows, dtype=object)


def report_section(out: Path, ns, windows: int,
                   write_table: Callable[[str, pd.DataFrame], None]) -> tuple[str, list[str]]:
    """The report's "measured sparsity" section (Markdown) and the pictures it wrote (tables go
    through ``write_table(stem, frame)``); without the model installed, one line saying how to
    install it."""
    try:
        encoder = load_encoder()
    except QResourceError as exc:
        return f"## Measured sparsity\n\nNot built here: {exc}.\n", []
    text, label = profile_api.read_text(None)
    profile = profile_api.profile_model(encoder, text, label, list(ns), windows=windows)
    write_table("sparsity_layers", layer_table(profile))
    write_table("sparsity_heads", head_table(profile))
    good = good_counts(profile)
    write_table("sparsity_good", good)
    pictures = write_pictures(profile, out, prefix="sparsity_")
    worst = densest(profile, 1)[0]
    n = ns[-1]
    estimates = estimate_beside_assumed(profile, worst, n, profile["d_head"])
    write_table("sparsity_estimate", estimates)
    slope = worst.get("k_mean_slope")
    lines = [
        "## Measured sparsity", "",
        f"{profile['model']} ({profile['model_source']}) run in numpy on {label}: {windows} window(s) of "
        f"[CLS] + n - 2 tokens + [SEP] at n = {', '.join(map(str, ns))}; k = entries of the softmax "
        "input Q K^T / sqrt(d_head) at or above tau = 2 ln n in a row. Raw: the logits as the model computes "
        "them; shifted: each row minus the constant that best meets the gap condition "
        "([docs/profile.md](../docs/profile.md)).", "",
        "Mean k per row by layer, both conventions ([sparsity_layers.md](sparsity_layers.md); every head: "
        "[sparsity_heads.md](sparsity_heads.md)):", "", render.to_markdown(layer_table(profile)).rstrip("\n"), "",
        *[f"![{name[9:-4].replace('_', ' ')}]({name})\n" for name in pictures],
        "Heads that are (tau, k)-good (Definition 1.2: every row has at most k entries >= tau), and those that "
        "also meet Theorem 1.3's gap condition in every row, out of all heads:", "", render.to_markdown(good).rstrip("\n"), "",
        f"Densest head at n = {n}: {worst['layer']}:{worst['head']}, mean k {worst['k_mean']:.4g} and max "
        f"{worst['k_max']} per row" + ("" if slope is None else f", mean k growing as n^{slope:.3g}") + ". Grover "
        f"attention for that head (n = {n}, d = {profile['d_head']}) with its measured k beside the assumed "
        f"k = {ASSUMED_K} (query model: expected oracle calls; full circuit: QROM loader, the oracle's own width):",
        "", render.to_markdown(estimates),
    ]
    return "\n".join(lines) + "\n", pictures
