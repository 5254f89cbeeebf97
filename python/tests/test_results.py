"""mural.results: the committed comparisons' run scores, as rliable's matrices, give the
aggregates Mural's reports computed from them."""

import csv
import re

import numpy as np
import pytest

from conftest import REPOSITORY, STRICT_WARNINGS
from mural import results

pytestmark = STRICT_WARNINGS
metrics = pytest.importorskip("rliable.metrics")


def aggregates(directory):
    """(metric, method, baseline) → (value, runs per task) from a report's aggregates.csv."""
    with (directory / "aggregates.csv").open() as f:
        return {(r["metric"], r["method"], r["baseline"]): (float(r["value"]), int(r["runs_per_task"])) for r in csv.DictReader(f)}


@pytest.mark.parametrize("name", ["ablation-zigzag-entropy", "ablation-vice-loss"])
def test_matrices_give_the_reports_aggregates(name):
    directory = REPOSITORY / "results" / name
    tasks, scores = results.score_matrices(directory)
    committed = aggregates(directory)
    with (directory / "summary.csv").open() as f:
        assert tasks == list(dict.fromkeys(r["task"] for r in csv.DictReader(f))), "tasks in the report's order"
    for method, matrix in scores.items():
        iqm, runs = committed[("iqm", method, "")]
        assert matrix.shape == (runs, len(tasks)), f"{method}: the report's runs per task, one column per task"
        assert metrics.aggregate_iqm(matrix) == pytest.approx(iqm, abs=1e-12), f"IQM of {method}"
        assert metrics.aggregate_mean(matrix) == pytest.approx(committed[("mean", method, "")][0], abs=1e-12), f"mean of {method}"
    for (metric, method, baseline), (value, _) in committed.items():
        if metric == "probability_of_improvement":
            p = metrics.probability_of_improvement(scores[method], scores[baseline])
            assert p == pytest.approx(value, abs=1e-12), f"P({method} > {baseline})"


def test_run_scores_are_the_cells_rows():
    directory = REPOSITORY / "results" / "ablation-vice-loss"
    runs = results.run_scores(directory)
    with (directory / "cells.csv").open() as f:
        rows = [r for r in csv.DictReader(f) if r["score"]]
    assert [(r.task, r.method, r.seed, r.score) for r in runs] == [
        (r["task"], r["method"], int(r["seed"]), float(r["score"])) for r in rows]


def test_methods_pick_and_order_the_matrices():
    tasks, scores = results.score_matrices(REPOSITORY / "results" / "ablation-zigzag-entropy", methods=["vice", "metanml"])
    assert list(scores) == ["vice", "metanml"] and tasks == ["maze-zigzag-v1"]
    assert scores["metanml"].shape == (10, 1)


def write_cells(directory, header, *rows):
    directory.mkdir(exist_ok=True)
    (directory / "cells.csv").write_text("\n".join([header, *rows]) + "\n")
    return directory


HEADER = "task,method,seed,status,exit_status,score"


@pytest.mark.parametrize("header, rows, message", [
    ("task,method,seed,status", ["door-v1,vice,0,completed"], "no column 'score' in its header"),
    (HEADER, ["door-v1,vice,zero,completed,0,0.5"], "line 2: invalid literal for int() with base 10: 'zero'"),
    (HEADER, ["door-v1,vice,0,completed,0,1.5"], "line 2: score 1.5 is outside [0, 1]"),
    (HEADER, ["door-v1,vice,0,completed,0,0.5", "pusher-v1,metanml,0,completed,0,0.5"],
     "no finished run of vice on pusher-v1, metanml on door-v1"),
    (HEADER, ["door-v1,vice,0,failed,3,"], "no finished runs"),
])
def test_bad_files_name_the_problem(tmp_path, header, rows, message):
    directory = write_cells(tmp_path / "cmp", header, *rows)
    with pytest.raises(results.ResultsFileError, match=f"cells.csv.*{re.escape(message)}"):
        results.score_matrices(directory)


def test_a_directory_without_a_report_says_so(tmp_path):
    with pytest.raises(results.ResultsFileError, match="cells.csv: no such file"):
        results.run_scores(tmp_path)


def test_matrices_keep_the_lowest_seeds_every_cell_has(tmp_path):
    directory = write_cells(tmp_path / "cmp", HEADER,
                            "door-v1,metanml,2,completed,0,0.2", "door-v1,metanml,0,completed,0,0.0",
                            "door-v1,metanml,1,completed,0,0.1", "door-v1,vice,5,completed,0,0.5",
                            "door-v1,vice,4,completed,0,0.4", "door-v1,vice,3,failed,1,")
    tasks, scores = results.score_matrices(directory)
    assert tasks == ["door-v1"]
    np.testing.assert_array_equal(scores["metanml"], [[0.0], [0.1]], err_msg="metanml's seeds 0 and 1, in seed order")
    np.testing.assert_array_equal(scores["vice"], [[0.4], [0.5]], err_msg="vice's two finished seeds; the failed one has no score")
