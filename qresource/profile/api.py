"""``qresource profile``'s Python API: measure how sparse real attention heads are, and choose a
measured k for the Grover attention estimates.

``profile_model`` runs a pretrained encoder on W windows of a text (each window what BERT sees:
[CLS], n - 2 WordPiece tokens, [SEP]) and summarises every (layer, head) under both logit
conventions of :mod:`qresource.profile.statistics`; ``profile_qk`` does the same for one given
pair (Q, K), with A = Q K^T exactly. ``choose_k`` reads a written profile back and picks k.
"""

from __future__ import annotations

import enum
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from qresource.core.errors import QResourceError
from qresource.core.io import read_json_file
from qresource.profile.model import Encoder, ModelName, attention_logits, load_encoder
from qresource.profile.statistics import Convention, default_tau, loglog_slope, row_sparsity, summarise

#: The text profiled when none is given: chapters I and II of Lewis Carroll, "Alice's
#: Adventures in Wonderland" (1865), public domain, as distributed by Project Gutenberg (eBook #11).
DEFAULT_TEXT = Path(__file__).resolve().parent / "data" / "alice-chapters-1-2.txt"
DEFAULT_TEXT_LABEL = "Alice's Adventures in Wonderland, chapters I-II (Lewis Carroll, 1865; public domain)"


class KStat(enum.StrEnum):
    """Which per-head statistic of k feeds the estimates."""

    MAX = "max"
    P99 = "p99"
    MEAN = "mean"


def read_text(path: str | Path | None) -> tuple[str, str]:
    """(text, label): the bundled text when ``path`` is None."""
    source = DEFAULT_TEXT if path is None else Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QResourceError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise QResourceError(f"{source}: is a directory, expected a text file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QResourceError(f"{source}: cannot read as UTF-8 text ({exc.__class__.__name__})") from None
    if not text.strip():
        raise QResourceError(f"{source}: the text is empty")
    return text, DEFAULT_TEXT_LABEL if path is None else str(source)


def token_windows(ids: Sequence[int], n: int, windows: int, cls: int, sep: int, positions: int) -> np.ndarray:
    """``windows`` consecutive windows of the token ids, each [CLS] + n - 2 tokens + [SEP]."""
    if not 3 <= n <= positions:
        raise QResourceError(f"n = {n} is out of range: the model reads 3 <= n <= {positions} positions "
                             "([CLS], at least one token, [SEP])")
    need = windows * (n - 2)
    if len(ids) < need:
        raise QResourceError(f"the text has {len(ids)} WordPiece tokens; n = {n} over {windows} window(s) "
                             f"needs {windows} x {n - 2} = {need}")
    body = np.asarray(ids[:need], dtype=np.int64).reshape(windows, n - 2)
    column = np.ones((windows, 1), dtype=np.int64)
    return np.concatenate([column * cls, body, column * sep], axis=1)


def _heads_at(encoder: Encoder, ids: Sequence[int], n: int, windows: int, tau: float) -> dict[Convention, list]:
    cls, sep = encoder.special_ids()
    batch = token_windows(ids, n, windows, cls, sep, encoder.positions)
    out: dict[Convention, list] = {c: [] for c in Convention}
    for layer, logits in enumerate(attention_logits(encoder, batch)):
        for head in range(encoder.heads):
            scores = logits[:, head]
            for convention in Convention:
                out[convention].append({"layer": layer, "head": head,
                                        **summarise(row_sparsity(scores, tau, convention))})
    return out


def profile_model(encoder: Encoder, text: str, text_label: str, ns: Sequence[int], windows: int = 1,
                  tau: float | None = None) -> dict:
    """The profile of every (layer, head) at each n (the JSON of ``qresource profile``)."""
    if windows < 1:
        raise QResourceError(f"--windows must be at least 1, got {windows}")
    ids = encoder.token_ids(text)
    if not ids:
        raise QResourceError(f"{text_label}: the text has no WordPiece tokens")
    ns = list(dict.fromkeys(ns))
    for n in ns:  # every n checked before any work
        token_windows(ids, n, windows, 0, 0, encoder.positions)
    taus = [default_tau(n) if tau is None else float(tau) for n in ns]
    per_n = [_heads_at(encoder, ids, n, windows, t) for n, t in zip(ns, taus)]
    if len(ns) > 1:
        _add_slopes(ns, per_n)
    header = {
        "model": str(encoder.name), "model_source": encoder.source, "layers": encoder.layers,
        "heads_per_layer": encoder.heads, "d_head": encoder.head_dim, "text": text_label, "text_tokens": len(ids),
        "windows": windows, "tau_rule": "2 ln n" if tau is None else "given",
    }
    return _assemble(header, ns, taus, per_n)


def profile_text(text: str | Path | None, ns: Sequence[int], *, model: ModelName | str = ModelName.MINILM_L6,
            windows: int = 1, tau: float | None = None) -> dict:
    """Measured sparsity of a shipped pretrained encoder's attention on a text (``qresource
    profile``): per n, per (layer, head), k (entries at or above tau per row) and the gap
    condition of Theorem 1.3, under the raw and the best-shifted convention.

    Args:
        text: a path to a UTF-8 text file, or None for the bundled sample text.
        ns: context lengths n (tokens per window, special tokens included).
        model: the encoder (``ModelName``; needs the ``models`` extra and its model package).
        windows: windows of n tokens per n, taken one after another through the text.
        tau: the threshold; default 2 ln n at each n.

    Returns:
        The JSON object ``qresource profile --json`` prints (``choose_k`` reads it back).
    """
    body, label = read_text(text)
    return profile_model(load_encoder(ModelName(model)), body, label, ns, windows=windows, tau=tau)


def _add_slopes(ns: Sequence[int], per_n: list[dict[Convention, list]]) -> None:
    for convention in Convention:
        for index in range(len(per_n[0][convention])):
            slope = loglog_slope(ns, [heads[convention][index]["k_mean"] for heads in per_n])
            for heads in per_n:
                heads[convention][index]["k_mean_slope"] = slope


def _assemble(header: dict, ns: list[int], taus: list[float], per_n: list[dict[Convention, list]]) -> dict:
    single = len(ns) == 1

    def pick(convention: Convention):
        lists = [heads[convention] for heads in per_n]
        return lists[0] if single else lists

    return {
        **header,
        "n": ns[0] if single else ns,
        "tau": taus[0] if single else taus,
        "convention": str(Convention.RAW),
        "heads": pick(Convention.RAW),
        "shifted": {"convention": str(Convention.SHIFTED), "heads": pick(Convention.SHIFTED)},
    }


def load_qk(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Arrays ``Q`` and ``K`` (each n x d, finite, n >= 2) from an .npz file, with one-line errors."""
    source = Path(path)
    if not source.is_file():
        raise QResourceError(f"{source}: no such file")
    try:
        with np.load(source, allow_pickle=False) as archive:
            missing = [name for name in ("Q", "K") if name not in archive.files]
            if missing:
                raise QResourceError(f"{source}: no array {' or '.join(missing)} (found: "
                                     f"{', '.join(archive.files) or 'none'})")
            q, k = archive["Q"], archive["K"]
    except QResourceError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise QResourceError(f"{source}: not a readable .npz file ({exc.__class__.__name__})") from None
    for name, array in (("Q", q), ("K", k)):
        if array.dtype.kind not in "biuf":
            raise QResourceError(f"{source}: {name} must hold real numbers, got dtype {array.dtype}")
        if array.ndim != 2:
            raise QResourceError(f"{source}: {name} must be a matrix (n x d), got shape {array.shape}")
        if not np.isfinite(array).all():
            raise QResourceError(f"{source}: {name} has NaN or infinite entries")
    if q.shape != k.shape:
        raise QResourceError(f"{source}: Q is {q.shape[0]} x {q.shape[1]} but K is {k.shape[0]} x {k.shape[1]}; "
                             "both must be n x d")
    if q.shape[0] < 2 or q.shape[1] < 1:
        raise QResourceError(f"{source}: Q and K are {q.shape[0]} x {q.shape[1]}; need n >= 2 rows, d >= 1")
    return q.astype(np.float64), k.astype(np.float64)


def profile_qk(path: str | Path, tau: float | None = None) -> dict:
    """The profile of A = Q K^T exactly as given (no scaling): one entry, layer 0, head 0."""
    q, k = load_qk(path)
    n, d = q.shape
    threshold = default_tau(n) if tau is None else float(tau)
    scores = q @ k.T
    heads = {c: [{"layer": 0, "head": 0, **summarise(row_sparsity(scores, threshold, c))}] for c in Convention}
    header = {"model": None, "source": str(path), "d_head": d, "tau_rule": "2 ln n" if tau is None else "given"}
    return _assemble(header, [n], [threshold], [heads])


@dataclass(frozen=True)
class KChoice:
    """A measured k and where it came from."""

    k: int
    value: float
    layer: int
    head: int
    stat: KStat
    convention: str
    n: int
    tau: float
    d: int | None
    source: str

    def params(self) -> dict:
        return {"profile": self.source, "layer": self.layer, "head": self.head, "stat": str(self.stat),
                "convention": self.convention, "measured_value": self.value, "measured_at_n": self.n,
                "measured_tau": self.tau}

    def note(self) -> str:
        rounded = "" if self.value == self.k else f" (measured {self.value:g}; k rounds up, at least 1)"
        return (f"k = {self.k} measured: head {self.layer}:{self.head}, k_{self.stat} over its rows at n = {self.n}, "
                f"tau = {self.tau:.4g}, {self.convention} logits, from {self.source}{rounded}")


_STAT_KEYS = {KStat.MAX: "k_max", KStat.P99: "k_p99", KStat.MEAN: "k_mean"}


def parse_head(text: str) -> tuple[int, int]:
    """``"L:H"`` -> (layer, head)."""
    parts = text.split(":")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise QResourceError(f"--head takes LAYER:HEAD (two non-negative integers), got {text!r}")
    return int(parts[0]), int(parts[1])


def choose_k(path: str | Path, head: tuple[int, int] | None = None, stat: KStat = KStat.MAX,
             n: int | None = None) -> KChoice:
    """k from a profile JSON: the given head's statistic, or by default the worst head's (the
    largest value of the statistic). With several n in the profile, the list at ``n`` when it
    is one of them, else the largest n."""
    profile = read_json_file(path)
    try:
        ns, taus, heads = profile["n"], profile["tau"], profile["heads"]
    except (TypeError, KeyError) as exc:
        raise QResourceError(f"{path}: not a profile (no {exc} key; write one with `qresource profile --json`)") from None
    if isinstance(ns, list):
        at = ns.index(n) if n in ns else max(range(len(ns)), key=ns.__getitem__)
        ns, taus, heads = ns[at], taus[at], heads[at]
    key = _STAT_KEYS[stat]
    try:
        candidates = [(float(h[key]), int(h["layer"]), int(h["head"])) for h in heads]
    except (TypeError, KeyError, ValueError):
        raise QResourceError(f"{path}: a head lacks layer, head or {key}") from None
    if not candidates:
        raise QResourceError(f"{path}: the profile lists no heads")
    if head is None:
        value, layer, index = max(candidates, key=lambda c: (c[0], -c[1], -c[2]))
    else:
        found = [c for c in candidates if (c[1], c[2]) == head]
        if not found:
            raise QResourceError(f"{path}: no head {head[0]}:{head[1]} (layers 0..{max(c[1] for c in candidates)}, "
                                 f"heads 0..{max(c[2] for c in candidates)})")
        value, layer, index = found[0]
    k = max(1, math.ceil(value - 1e-9))
    return KChoice(k=min(k, int(ns)), value=value, layer=layer, head=index, stat=stat,
                   convention=str(profile.get("convention", Convention.RAW)), n=int(ns), tau=float(taus),
                   d=profile.get("d_head"), source=str(path))
