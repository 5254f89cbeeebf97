"""Mural's aggregate statistics against the rliable package's, on fixed scores.

Point estimates (IQM, mean, probability of improvement, performance profiles) must agree to
1e-12: they are deterministic functions of the scores. Interval bounds come from two different
random bootstraps (Mural: 50 000 replications for aggregates, 10 000 per task, 2 000 for profiles; rliable here:
fewer, for speed), so they must agree within TOLERANCE, several times their Monte-Carlo error.
"""

import csv

import numpy as np
import pytest

rly = pytest.importorskip("rliable.library")
metrics = pytest.importorskip("rliable.metrics")

TOLERANCE = 0.02
TASKS = ["maze-zigzag-v1", "pusher-v1", "door-v1"]
METHODS = ["metanml", "vice", "sparse"]
RUNS = 6


@pytest.fixture(scope="module")
def scores():
    """Per method, a (runs × tasks) matrix of scores in [0, 1], with ties and extremes."""
    rng = np.random.default_rng(2021)
    levels = {"metanml": (4, 2), "vice": (2, 3), "sparse": (1, 6)}
    return {method: np.clip(np.round(rng.beta(*levels[method], size=(RUNS, len(TASKS))), 2), 0, 1) for method in METHODS}


@pytest.fixture(scope="module")
def mural_report(scores, cli, tmp_path_factory):
    """`mural report --from-csv` on the scores, each run one evaluation whose final-step success is its score."""
    directory = tmp_path_factory.mktemp("crosscheck")
    evaluations = directory / "evaluations.csv"
    with evaluations.open("w") as f:
        f.write("task,method,seed,step,success_final,success_any,goal_distance,wall_seconds\n")
        for method in METHODS:
            for t, task in enumerate(TASKS):
                for run in range(RUNS):
                    score = repr(float(scores[method][run, t]))
                    f.write(f"{task},{method},{run},1000,{score},{score},,1.0\n")
    cli("report", directory / "report", "--from-csv", evaluations)

    def read(name):
        with (directory / "report" / name).open() as f:
            return list(csv.DictReader(f))

    return read


def row(rows, **keys):
    matches = [r for r in rows if all(r[k] == v for k, v in keys.items())]
    assert len(matches) == 1, f"expected one row with {keys}, got {matches}"
    return matches[0]


def test_iqm_and_mean_match_rliable(scores, mural_report):
    aggregates = mural_report("aggregates.csv")
    np.random.seed(0)
    points, intervals = rly.get_interval_estimates(
        scores, lambda x: np.array([metrics.aggregate_iqm(x), metrics.aggregate_mean(x)]), reps=20000)
    for method in METHODS:
        for k, metric in enumerate(["iqm", "mean"]):
            ours = row(aggregates, metric=metric, method=method)
            assert float(ours["value"]) == pytest.approx(points[method][k], abs=1e-12), f"{metric} of {method}"
            low, high = intervals[method][:, k]
            assert float(ours["ci_low"]) == pytest.approx(low, abs=TOLERANCE), f"{metric} of {method}: lower bound"
            assert float(ours["ci_high"]) == pytest.approx(high, abs=TOLERANCE), f"{metric} of {method}: upper bound"


def test_probability_of_improvement_matches_rliable(scores, mural_report):
    aggregates = mural_report("aggregates.csv")
    for baseline in ["vice", "sparse"]:
        np.random.seed(0)
        pair = {baseline: [scores["metanml"], scores[baseline]]}
        points, intervals = rly.get_interval_estimates(pair, metrics.probability_of_improvement, reps=4000)
        ours = row(aggregates, metric="probability_of_improvement", method="metanml", baseline=baseline)
        assert float(ours["value"]) == pytest.approx(points[baseline], abs=1e-12), f"P(metanml > {baseline})"
        low, high = np.ravel(intervals[baseline])
        assert float(ours["ci_low"]) == pytest.approx(low, abs=TOLERANCE), f"P(metanml > {baseline}): lower bound"
        assert float(ours["ci_high"]) == pytest.approx(high, abs=TOLERANCE), f"P(metanml > {baseline}): upper bound"


def test_performance_profiles_match_rliable(scores, mural_report):
    profiles = mural_report("profiles.csv")
    taus = sorted({float(r["tau"]) for r in profiles})
    assert taus == pytest.approx(np.linspace(0, 1, 21)), "profiles are drawn at τ = 0, 0.05, …, 1"
    np.random.seed(0)
    points, intervals = rly.create_performance_profile(scores, np.array(taus), reps=2000)
    for method in METHODS:
        ours = sorted((r for r in profiles if r["method"] == method), key=lambda r: float(r["tau"]))
        np.testing.assert_allclose([float(r["value"]) for r in ours], points[method], atol=1e-12,
                                   err_msg=f"profile of {method}")
        # A profile's value is a fraction of the 18 runs × tasks, so two bootstraps' band edges may
        # differ by one run (1/18) where the bootstrap distribution straddles a step.
        band = 1 / (RUNS * len(TASKS)) + TOLERANCE / 2
        np.testing.assert_allclose([float(r["ci_low"]) for r in ours], intervals[method][0], atol=band,
                                   err_msg=f"profile of {method}: lower band")
        np.testing.assert_allclose([float(r["ci_high"]) for r in ours], intervals[method][1], atol=band,
                                   err_msg=f"profile of {method}: upper band")


def test_per_task_probability_of_improvement_matches_rliable(scores, mural_report):
    """Each task's row in summary.csv: rliable's probability of improvement on that task alone
    (against one baseline: rliable's bootstrap of it is the slow part of this module)."""
    summary = mural_report("summary.csv")
    for t, task in enumerate(TASKS):
        assert row(summary, task=task, method="metanml")["p_improvement"] == "", "no P(metanml > metanml)"
        np.random.seed(0)
        pair = {"vice": [scores["metanml"][:, [t]], scores["vice"][:, [t]]]}
        points, intervals = rly.get_interval_estimates(pair, metrics.probability_of_improvement, reps=4000)
        ours = row(summary, task=task, method="vice")
        label = f"P(metanml > vice) on {task}"
        assert float(ours["p_improvement"]) == pytest.approx(points["vice"], abs=1e-12), label
        low, high = np.ravel(intervals["vice"])
        assert float(ours["p_improvement_ci_low"]) == pytest.approx(low, abs=TOLERANCE), f"{label}: lower bound"
        assert float(ours["p_improvement_ci_high"]) == pytest.approx(high, abs=TOLERANCE), f"{label}: upper bound"
