"""A comparison's run scores, in the form rliable takes.

``mural compare`` and ``mural report`` write ``cells.csv`` into a comparison directory: one row
per run, with its score (the final-step success averaged over its last three evaluations). This
module reads it, so that a run's numbers can meet rliable, or another suite's, in Python::

    from rliable import library as rly, metrics
    from mural import results

    tasks, scores = results.score_matrices("results/suite")
    points, intervals = rly.get_interval_estimates(scores, metrics.aggregate_iqm, reps=50000)

The matrices hold each method's lowest seeds on every task, as many as the fewest finished runs
any method has on any task: the matrices Mural's own aggregates are computed on.
"""

from __future__ import annotations

import csv
import math
import os
import pathlib
from dataclasses import dataclass

import numpy as np

from .errors import MuralError

CELLS_FILE = "cells.csv"
COLUMNS = ("task", "method", "seed", "score")


class ResultsFileError(MuralError, ValueError):
    """A comparison directory's cells.csv is missing or malformed; the message names the file, row and column."""


@dataclass(frozen=True)
class RunScore:
    task: str
    method: str
    seed: int
    score: float


def run_scores(directory: str | os.PathLike) -> list[RunScore]:
    """Every finished run's score, in the order of ``cells.csv`` (runs without a score, failed
    or not finished, are left out)."""
    path = pathlib.Path(directory) / CELLS_FILE
    if not path.is_file():
        raise ResultsFileError(f"{path}: no such file; a comparison directory holds it once `mural compare` or "
                               f"`mural report` has written its report")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise ResultsFileError(f"{path}: no column {', '.join(repr(c) for c in missing)} in its header")
        runs = []
        for line, row in enumerate(reader, start=2):
            if row["score"] in ("", None):
                continue
            try:
                seed, score = int(row["seed"]), float(row["score"])
            except ValueError as error:
                raise ResultsFileError(f"{path}, line {line}: {error}") from None
            if not (math.isfinite(score) and 0 <= score <= 1):
                raise ResultsFileError(f"{path}, line {line}: score {row['score']} is outside [0, 1]")
            runs.append(RunScore(row["task"], row["method"], seed, score))
    return runs


def score_matrices(directory: str | os.PathLike,
                   methods: list[str] | None = None) -> tuple[list[str], dict[str, np.ndarray]]:
    """The tasks, and per method a (runs × tasks) matrix of scores: rliable's ``score_dict``.

    ``methods`` picks and orders the methods (all of them by default). Every method must have
    finished runs on every task."""
    runs = run_scores(directory)
    tasks = list(dict.fromkeys(run.task for run in runs))
    chosen = methods if methods is not None else list(dict.fromkeys(run.method for run in runs))
    if not tasks or not chosen:
        raise ResultsFileError(f"{pathlib.Path(directory) / CELLS_FILE}: no finished runs")
    by_cell: dict[tuple[str, str], dict[int, float]] = {}
    for run in runs:
        by_cell.setdefault((run.task, run.method), {})[run.seed] = run.score
    gaps = [f"{method} on {task}" for method in chosen for task in tasks if (task, method) not in by_cell]
    if gaps:
        raise ResultsFileError(f"{pathlib.Path(directory) / CELLS_FILE}: no finished run of {', '.join(gaps)}; "
                               f"rliable's matrices need every method on every task")
    count = min(len(by_cell[(task, method)]) for task in tasks for method in chosen)
    columns = {method: [[by_cell[(task, method)][seed] for seed in sorted(by_cell[(task, method)])[:count]]
                        for task in tasks] for method in chosen}
    return tasks, {method: np.array(columns[method]).T for method in chosen}
