"""What QLACI computes: the Aer statevector of the lowered circuit equals the classical
uniform average (1/N) sum_j f(Q, K_j, V_j) of an independent numpy model to 1e-9."""

from __future__ import annotations

import numpy as np
import pytest

from qresource.qlaci.build import plan
from qresource.qlaci.params import PROTOTYPE, QlaciParams
from qresource.qlaci.reference import context_vector, per_key_terms, quantized, random_angles
from qresource.qlaci.run import validate_qlaci
from qresource.qlaci.shots import observable_labels
from qresource.qlaci.simulate import (
    OutcomeSampler,
    estimate_from_counts,
    exact_expectations,
    sampled_expectations,
    settings_for,
)


@pytest.mark.parametrize(
    "params, seed",
    [
        (PROTOTYPE.with_(feature_map="multiplexed", observables="xyz"), 0),
        (PROTOTYPE.with_(feature_map="multiplexed", layers=2, connectivity="all"), 5),
        (QlaciParams(n=4, dq=1, kv=1, out=2, angle_bits=3, observables="all"), 1),
        (QlaciParams(n=8, dq=2, kv=1, out=1, layers=2, angle_bits=3, connectivity="all", observables="xyz"), 2),
    ],
)
def test_simulator_equals_uniform_average_of_per_key_terms(params, seed):
    p = plan(params, strict=False)
    angles = random_angles(p.params, seed)
    applied = angles if params.feature_map == "multiplexed" else quantized(angles, p.angle_bits)
    labels = observable_labels(params.observables, params.out)
    simulated = exact_expectations(p, angles, labels)
    reference = context_vector(p.params, applied, labels)
    for k, label in enumerate(labels):
        assert abs(simulated[label] - reference[k]) <= 1e-9, label
    # not a trivial agreement: the per-key terms really differ from key to key
    assert np.ptp(per_key_terms(p.params, applied, labels), axis=0).max() > 1e-3


def test_quantised_reference_differs_from_ideal_by_at_most_the_loading_bound():
    params = QlaciParams(n=8, dq=2, kv=2, out=1, angle_bits=6)
    p = plan(params, strict=False)
    angles = random_angles(p.params, 4)
    ideal = context_vector(p.params, angles, ["Z"])[0]
    loaded = context_vector(p.params, quantized(angles, 6), ["Z"])[0]
    # 2 pi x (2 q_KV loaded rotations) / 2^b (qresource.qlaci.budget.angle_bits_for)
    assert abs(ideal - loaded) <= 2 * np.pi * 4 / 2**6
    assert abs(ideal - loaded) > 0


def test_synthesised_circuit_within_synthesis_budget():
    params = QlaciParams(n=4, dq=2, kv=1, out=1, eps=0.1, feature_map="multiplexed")
    result = validate_qlaci(params, seed=3, synthesize=True)
    assert result["ok"] and result["tolerance"] == pytest.approx(0.02)
    assert result["max_abs_difference"] > 1e-9  # synthesis really approximates


def test_sampled_estimates_shrink_like_inverse_sqrt_shots():
    p = plan(PROTOTYPE.with_(feature_map="multiplexed"))
    angles = random_angles(p.params, 0)
    exact = exact_expectations(p, angles, ["Z"])["Z"]
    sampler = OutcomeSampler(p, angles, "Z")
    errors = []
    for shots in (400, 6400, 102400):
        estimates = [estimate_from_counts(sampler.counts(shots, seed), "Z") for seed in range(12)]
        errors.append(np.sqrt(np.mean((np.array(estimates) - exact) ** 2)))
    # standard error sqrt(1 - <Z>^2 / S): 16x more shots, 4x less error (within sampling noise)
    slope = np.polyfit(np.log([400, 6400, 102400]), np.log(errors), 1)[0]
    assert -0.75 < slope < -0.3, errors
    assert errors[-1] <= 4 * np.sqrt((1 - exact**2) / 102400)


def test_sampled_expectations_per_setting():
    p = plan(PROTOTYPE.with_(feature_map="multiplexed", observables="xyz"))
    angles = random_angles(p.params, 1)
    exact = exact_expectations(p, angles)
    sampled = sampled_expectations(p, angles, 20000, seed=3)
    for label in ("X", "Y", "Z"):
        assert abs(sampled[label] - exact[label]) <= 5 / np.sqrt(20000)


def test_settings_group_commuting_labels():
    assert settings_for(["XI", "IX", "XX", "ZI"]) == {"XX": ["XI", "IX", "XX"], "ZZ": ["ZI"]}
