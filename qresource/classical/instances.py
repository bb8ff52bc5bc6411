"""(tau, k)-good attention instances: a deterministic generator, their JSON form, and a checker of
Definition 1.2 and Theorem 1.3's conditions for any Q, K.

The construction (derived in docs/classical.md, "Building (tau, k)-good instances")
----------------------------------------------------------------------------------
Theorem 1.3 asks for far more than sparsity: every score outside ``S_i`` must lie in the thin
slab ``[-eta, 0]`` while every score in ``S_i`` is at least ``tau >= 2 ln n``.  Random Gaussian
Q, K never do this, and the structure is forced: for queries ``i_1..i_m`` and keys ``j_1..j_m``
with ``j_l`` in ``S_{i_l}`` but in no other ``S_{i_l'}`` (an induced matching of the pattern),
dividing row ``l`` of that ``m x m`` block of ``Q K^T`` by its diagonal entry gives a matrix with
unit diagonal and off-diagonal entries of size at most ``eps = eta / tau``; by
``rank(X) >= (tr X)^2 / ||X||_F^2`` its rank, hence ``d``, is at least ``m / (1 + (m-1) eps^2)``.
So at most about ``d`` queries can have "private" keys when ``eta << tau``.

The generator meets that limit with exact orthogonality.  With ``m = min(d, floor(n / k))``
clusters:

- cluster ``c`` owns ``|S|`` keys (exactly ``k``, or between 1 and ``k`` with at least one of
  exactly ``k``); the remaining keys are background keys in no find set;
- query ``i`` belongs to one cluster ``t(i)`` (every cluster gets at least one query) and is
  ``Q_i = alpha_i e_{t(i)}`` with ``alpha_i`` in ``[1, a]``;
- key ``j`` of cluster ``c`` is ``K_j = gamma_j e_c - sum_{t != c} delta_{j,t} e_t`` (a background
  key has no ``gamma`` term), plus free coordinates ``m+1..d`` that no query reads;

so ``(Q K^T)_ij = alpha_i gamma_j`` when ``j`` is in ``t(i)``'s cluster and ``-alpha_i
delta_{j,t(i)}`` otherwise.  The ranges of ``alpha``, ``gamma`` and ``delta`` put the first in
``[tau + margin, tau + spread]`` and the second in ``[-eta + eps, -eps]`` (``eps = 1e-6 eta``),
exactly.  Finally a Haar-random rotation ``R`` (``Q R``, ``K R``: inner products unchanged) makes
the vectors dense, and queries and keys are shuffled.  The margins absorb the rounding of the
rotation; the generated instance is checked before it is returned.

``integer=True`` builds the same with integers (``alpha = 1``, integer ``gamma``, ``delta``) and
a random signed permutation instead of the rotation, so that scores are exact integers and the
entries fit a fixed-point register (the oracle instance files of docs/guide.md).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from qresource.classical.attention import check_qkv, row_blocks
from qresource.core.errors import QResourceError
from qresource.core.io import read_json_file

#: Relative margin kept between the generated scores and the boundaries tau, 0 and -eta.
_REL_MARGIN = 1e-6


@dataclass(frozen=True)
class Instance:
    """One attention instance ``(Q, K, V)`` with threshold ``tau`` and slab width ``eta``."""

    Q: np.ndarray
    K: np.ndarray
    V: np.ndarray | None
    tau: float
    eta: float | None = None
    k: int | None = None
    seed: int | None = None
    construction: str = "given"

    @property
    def n(self) -> int:
        return int(self.K.shape[0])

    @property
    def d(self) -> int:
        return int(self.K.shape[1])

    def check(self, **kwargs) -> "InstanceCheck":
        return check_instance(self.Q, self.K, self.tau, eta=self.eta, k=self.k, V=self.V, **kwargs)

    def to_json_dict(self) -> dict[str, Any]:
        """``{"Q", "K", "V", "tau", "eta", "k", "seed", "construction"}``; floats round-trip exactly."""
        return {
            "Q": _to_list(self.Q),
            "K": _to_list(self.K),
            "V": None if self.V is None else _to_list(self.V),
            "tau": float(self.tau),
            "eta": None if self.eta is None else float(self.eta),
            "k": self.k,
            "seed": self.seed,
            "construction": self.construction,
        }

    def oracle_row(self, i: int, bits: int) -> dict[str, Any]:
        """Row ``i`` as an oracle instance file, ``{"q", "K", "tau", "bits"}`` (docs/guide.md):
        all entries must be integers in the signed ``bits``-bit range (generate with
        ``integer=True``)."""
        if not 0 <= i < self.Q.shape[0]:
            raise QResourceError(f"row {i} is out of range 0..{self.Q.shape[0] - 1}")
        if bits < 2:
            raise QResourceError(f"bits must be at least 2, got {bits}")
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        for name, array in (("Q", self.Q[i]), ("K", self.K)):
            if not np.all(array == np.round(array)) or array.min() < lo or array.max() > hi:
                raise QResourceError(
                    f"{name} has entries that are not integers in the signed {bits}-bit range "
                    f"[{lo}, {hi}]; generate the instance with integer=True"
                )
        return {
            "q": [int(x) for x in self.Q[i]],
            "K": [[int(x) for x in row] for row in self.K],
            "tau": _plain_number(self.tau),
            "bits": int(bits),
        }


def _to_list(array: np.ndarray) -> list:
    return [[_plain_number(x) for x in row] for row in np.asarray(array)]


def _plain_number(x) -> int | float:
    value = float(x)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def instance_from_json(data: Any, source: str = "instance") -> Instance:
    """An ``Instance`` from a full form ``{"Q", "K", "tau", ...}`` or from the oracle-row form
    ``{"q", "K", "tau", "bits"}`` (one query row).  Bad input raises a one-line error."""
    if not isinstance(data, dict):
        raise QResourceError(f"{source}: expected a JSON object")
    if "Q" in data:
        Q = data["Q"]
    elif "q" in data:
        Q = [data["q"]]
    else:
        raise QResourceError(f"{source}: needs \"Q\" (or \"q\" for one oracle row)")
    for key in ("K", "tau"):
        if key not in data:
            raise QResourceError(f"{source}: missing \"{key}\"")
    try:
        Qa = np.asarray(Q, dtype=np.float64)
        Ka = np.asarray(data["K"], dtype=np.float64)
        Va = None if data.get("V") is None else np.asarray(data["V"], dtype=np.float64)
        tau = float(data["tau"])
        eta = None if data.get("eta") is None else float(data["eta"])
    except (TypeError, ValueError):
        raise QResourceError(f"{source}: Q, K, V must be arrays of numbers and tau, eta numbers") from None
    Qa, Ka, Va = check_qkv(Qa, Ka, Va)
    if not math.isfinite(tau) or (eta is not None and not (math.isfinite(eta) and eta >= 0)):
        raise QResourceError(f"{source}: tau must be finite and eta finite and non-negative")
    k = data.get("k")
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 0):
        raise QResourceError(f"{source}: k must be a non-negative integer")
    seed = data.get("seed")
    return Instance(Qa, Ka, Va, tau, eta, k, seed if isinstance(seed, int) else None,
                    str(data.get("construction", "given")))


def load_instance(path) -> Instance:

    return instance_from_json(read_json_file(path), str(path))


def default_tau(n: int) -> float:
    """The smallest threshold Theorem 1.3 allows, ``2 ln n`` (the paper's ``log`` is read as the
    natural logarithm; ``InstanceCheck`` also reports the stricter ``2 log2 n``)."""
    return 2.0 * math.log(n)


def generate_instance(
    n: int,
    d: int,
    k: int,
    *,
    tau: float | None = None,
    eta: float = 0.1,
    seed: int = 0,
    exact_k: bool = True,
    spread: float = 4.0,
    v_max: float | None = None,
    integer: bool = False,
) -> Instance:
    """A (tau, k)-good instance satisfying Theorem 1.3's conditions (see the module notes).

    - every row has at most ``k`` scores ``>= tau`` and at least one row exactly ``k``
      (``exact_k=True``: every row exactly ``k``, as Definition 4.2 and Lemma 4.3 part 4 need);
    - every other score lies in ``[-eta, 0]`` (strictly inside, by a relative margin of 1e-6);
    - scores in the find sets lie in ``[tau, tau + spread]``;
    - ``V`` has entries uniform in ``[-v_max, v_max]`` (default ``v_max = eta``: Lemma 5.2's
      ``||V||_inf <= eta``).

    ``tau`` defaults to ``2 ln n`` (rounded up to an integer with ``integer=True``).  The same
    arguments give the same arrays, bit for bit.
    """
    for name, value, low in (("n", n, 2), ("d", d, 1), ("k", k, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise QResourceError(f"{name} must be an integer >= {low}, got {value!r}")
    n, d, k = int(n), int(d), int(k)
    if k > n:
        raise QResourceError(f"k must be at most n = {n}, got {k}")
    if tau is None:
        tau = float(math.ceil(default_tau(n))) if integer else default_tau(n)
    tau, eta, spread = float(tau), float(eta), float(spread)
    if not (math.isfinite(tau) and tau > 0):
        raise QResourceError(f"tau must be positive and finite (scores in [-eta, 0] must stay below it), got {tau}")
    if not (math.isfinite(eta) and eta > 0):
        raise QResourceError(f"eta must be positive and finite, got {eta}")
    if not (math.isfinite(spread) and spread > 0) or (integer and math.floor(tau + spread) < math.ceil(tau)):
        raise QResourceError(f"spread must be positive (at least 1 with integer=True), got {spread}")
    v_max = eta if v_max is None else float(v_max)
    if not (math.isfinite(v_max) and v_max >= 0):
        raise QResourceError(f"v_max must be finite and non-negative, got {v_max}")

    rng = np.random.default_rng(seed)
    m = min(d, n // k)
    sizes = np.full(m, k) if exact_k else rng.integers(1, k + 1, size=m)
    sizes[rng.integers(m)] = k
    cluster_of_key = np.full(n, -1)
    owners = np.repeat(np.arange(m), sizes)
    cluster_of_key[rng.permutation(n)[: len(owners)]] = owners
    topic_of_query = rng.permutation(np.arange(n) % m)  # n >= m, so every cluster has a query
    in_cluster = cluster_of_key >= 0

    if integer:
        alpha = np.ones(n)
        gamma = rng.integers(math.ceil(tau), math.floor(tau + spread) + 1, size=n).astype(float)
        delta = rng.integers(0, math.floor(eta) + 1, size=(n, m)).astype(float)
        free = rng.integers(-1, 2, size=(n, d - m)).astype(float)
    else:
        low = tau + _REL_MARGIN * (tau + spread)
        high = tau + spread
        a = math.sqrt(high / low)
        eps = _REL_MARGIN * eta
        alpha = rng.uniform(1.0, a, size=n)
        gamma = rng.uniform(low, high / a, size=n)  # alpha * gamma in [low, high]
        delta = rng.uniform(eps, (eta - eps) / a, size=(n, m))  # alpha * delta in [eps, eta - eps]
        free = rng.standard_normal(size=(n, d - m))

    Q = np.zeros((n, d))
    Q[np.arange(n), topic_of_query] = alpha
    K = np.zeros((n, d))
    K[:, :m] = -delta
    K[in_cluster, cluster_of_key[in_cluster]] = gamma[in_cluster]
    K[:, m:] = free

    if integer:
        perm = rng.permutation(d)
        signs = rng.choice([-1.0, 1.0], size=d)
        Q, K = Q[:, perm] * signs, K[:, perm] * signs
        construction = "clusters-integer-signed-permutation"
    else:
        R, upper = np.linalg.qr(rng.standard_normal((d, d)))
        R = R * np.sign(np.diag(upper))  # Haar-distributed orthogonal matrix
        Q, K = Q @ R, K @ R
        construction = "clusters-rotated"
    Q = Q[rng.permutation(n)]
    K = K[rng.permutation(n)]
    V = rng.uniform(-v_max, v_max, size=(n, d))
    instance = Instance(Q, K, V, tau, eta, k, int(seed), construction)

    report = instance.check()
    if not (report.definition_1_2 and report.max_k == k and report.gap_condition
            and (report.min_k == k or not exact_k)):
        raise QResourceError(
            f"generated instance failed its own check (n={n}, d={d}, k={k}, tau={tau}, eta={eta}): "
            "eta is too small against tau for float rounding; use integer=True or a larger eta"
        )
    return instance


@dataclass(frozen=True)
class InstanceCheck:
    """What holds for given ``Q, K`` (and ``tau``, ``eta``, ``k``, ``V``): a plain record.

    ``n`` is the number of keys (the paper's sequence length).  ``k`` is the ``k`` checked
    against (the requested one, or the actual maximum when none was given) and ``eta`` the slab
    width checked against (the requested one, or the actual one when none was given).
    """

    n: int
    n_queries: int
    d: int
    tau: float
    k: int
    eta: float
    k_requested: int | None
    eta_requested: float | None
    max_k: int  # max_i |S_i|
    min_k: int  # min_i |S_i|
    eta_actual: float  # max(0, -min score outside the find sets)
    max_score_below_tau: float | None  # largest score outside the find sets (None: there is none)
    gap_violations: int  # scores below tau outside [-eta, 0]
    tau_min: float  # 2 ln n
    tau_ge_2ln_n: bool
    tau_ge_2log2_n: bool
    definition_1_2: bool  # every |S_i| <= k
    exactly_k_every_row: bool  # every |S_i| == k (Definition 4.2 assumes it)
    gap_condition: bool  # every score below tau lies in [-eta, 0]
    lemma_4_3_part4: bool  # min_i |S_i| e^tau >= 2n
    theorem_1_3: bool  # (tau, k)-good with tau >= 2 ln n, and the gap condition
    v_inf_norm: float | None
    v_within_eta: bool | None  # ||V||_inf <= eta (Lemma 5.2)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_instance(
    Q,
    K,
    tau: float,
    *,
    eta: float | None = None,
    k: int | None = None,
    V=None,
    block_rows: int | None = None,
) -> InstanceCheck:
    """Check Definition 1.2 and Theorem 1.3's conditions for any ``Q, K`` (and Lemma 4.3 part 4,
    Lemma 5.2's ``||V||_inf <= eta``), scanning the scores ``block_rows`` rows at a time."""
    Qa, Ka, Va = check_qkv(Q, K, V)
    tau = float(tau)
    n = Ka.shape[0]
    counts = np.zeros(Qa.shape[0], dtype=np.int64)
    low = math.inf  # smallest score below tau
    high = -math.inf  # largest score below tau
    violations = 0  # scores below tau outside [-eta, 0] (with no eta: those above 0)
    for rows in row_blocks(Qa.shape[0], n, block_rows):
        s = Qa[rows] @ Ka.T
        in_s = s >= tau
        counts[rows] = in_s.sum(axis=1)
        below = s[~in_s]
        if below.size:
            low = min(low, float(below.min()))
            high = max(high, float(below.max()))
            outside = below > 0 if eta is None else (below > 0) | (below < -float(eta))
            violations += int(np.count_nonzero(outside))
    has_below = math.isfinite(low)
    eta_actual = max(0.0, -low) if has_below else 0.0
    eta_used = eta_actual if eta is None else float(eta)
    max_k, min_k = int(counts.max()), int(counts.min())
    k_used = max_k if k is None else int(k)
    tau_min = 2.0 * math.log(n)
    part4 = min_k > 0 and math.log(min_k) + tau >= math.log(2 * n)
    good = max_k <= k_used
    tau_ok = tau >= tau_min
    notes = []
    if eta is None:
        notes.append("no eta given: the gap condition is checked with the actual eta")
    if k is None:
        notes.append("no k given: Definition 1.2 is checked with the actual maximum |S_i|")
    v_norm = None if Va is None else float(np.abs(Va).max(initial=0.0))
    return InstanceCheck(
        n=n,
        n_queries=int(Qa.shape[0]),
        d=int(Qa.shape[1]),
        tau=tau,
        k=k_used,
        eta=eta_used,
        k_requested=None if k is None else int(k),
        eta_requested=None if eta is None else float(eta),
        max_k=max_k,
        min_k=min_k,
        eta_actual=eta_actual,
        max_score_below_tau=high if has_below else None,
        gap_violations=violations,
        tau_min=tau_min,
        tau_ge_2ln_n=tau_ok,
        tau_ge_2log2_n=tau >= 2.0 * math.log2(n),
        definition_1_2=good,
        exactly_k_every_row=bool(np.all(counts == k_used)),
        gap_condition=violations == 0,
        lemma_4_3_part4=bool(part4),
        theorem_1_3=bool(good and tau_ok and violations == 0),
        v_inf_norm=v_norm,
        v_within_eta=None if v_norm is None else v_norm <= eta_used,
        notes=notes,
    )
