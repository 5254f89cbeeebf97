"""`python -m mural.sweep`: a plan's cells run under Slurm (simulated) and Ray give the same bits
as a local `mural compare`, and preempted cells resume bit-identically."""

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import REPOSITORY, _cli
from mural import sweep

# A grid small enough for CI, long enough (several checkpoints per cell) to be stopped midway.
GRID = ["--tasks", "maze-zigzag-v1", "--rewards", "sparse,count", "--seeds", "2", "--steps", "12000",
        "--evaluation-interval", "2000", "--evaluation-episodes", "2", "--hidden", "16,16"]
# Files whose bytes a distributed run must reproduce (the report's costs and times differ by design).
RESULT_FILES = ["evaluations.csv", "summary.csv", "aggregates.csv", "profiles.csv", "iqm-curves.csv"]


def mural(*arguments, check=True, **kwargs):
    result = subprocess.run([str(_cli()), *map(str, arguments)], capture_output=True, text=True,
                            env={**os.environ, "MURAL_TASKS_DIR": str(REPOSITORY / "Tasks")}, **kwargs)
    if check:
        assert result.returncode == 0, f"mural {' '.join(map(str, arguments))} failed:\n{result.stderr}"
    return result


def sweep_command(*arguments):
    return [sys.executable, "-m", "mural.sweep", *map(str, arguments)]


def run_sweep(*arguments, **kwargs):
    # From the repository root: from python/, `mural` would be the source tree, without its library.
    return subprocess.run(sweep_command(*arguments), capture_output=True, text=True, cwd=REPOSITORY,
                          env=environment(), **kwargs)


def environment():
    return {**os.environ, "MURAL_TASKS_DIR": str(REPOSITORY / "Tasks"), "MURAL_CLI": str(_cli())}


@pytest.fixture(scope="module")
def local_comparison(tmp_path_factory):
    directory = tmp_path_factory.mktemp("local") / "cmp"
    mural("compare", *GRID, "--jobs", "2", "--out", directory)
    return directory


def planned(tmp_path) -> sweep.Plan:
    directory = tmp_path / "cmp"
    mural("compare", *GRID, "--out", directory, "--plan")
    return sweep.Plan.load(directory / "plan.json")


def without_wall_clock(path):
    """A report CSV's rows without its wall-time columns, which measure the machine, not the run."""
    rows = [line.split(",") for line in path.read_text().splitlines()]
    keep = [i for i, name in enumerate(rows[0]) if not name.startswith("wall_seconds")]
    return [[row[i] for i in keep] for row in rows]


def assert_same_results(local, distributed):
    mural("report", distributed)
    for name in RESULT_FILES:
        assert without_wall_clock(distributed / name) == without_wall_clock(local / name), \
            f"{name} of the distributed run differs from the local comparison's"
    for cell in sweep.Plan.load(distributed / "plan.json").cells:
        ours, theirs = distributed / cell.run_directory, local / cell.run_directory
        assert (ours / "policy.bin").read_bytes() == (theirs / "policy.bin").read_bytes(), f"{cell.id}: the policy differs"
        assert evaluations(ours) == evaluations(theirs), f"{cell.id}: the evaluations differ from the local run's"


def evaluations(run):
    """A run's metrics.jsonl records without their wall-clock times."""
    return [{k: v for k, v in json.loads(line).items() if k != "wallSeconds"}
            for line in (run / "metrics.jsonl").read_text().splitlines()]


def wait_for_checkpoint(plan, cell, process, timeout=120):
    deadline = time.monotonic() + timeout
    checkpoint = plan.run_directory(cell) / "checkpoint.bin"
    while not checkpoint.exists():
        assert process.poll() is None, f"{cell.id} ended before its first checkpoint"
        assert time.monotonic() < deadline, f"{cell.id} wrote no checkpoint in {timeout} s"
        time.sleep(0.1)


# Plans


def test_plan_lists_every_cell_with_relative_paths(tmp_path):
    plan = planned(tmp_path)
    assert [c.id for c in plan.cells] == [f"maze-zigzag-v1/{r}/seed-{s}" for r in ("sparse", "count") for s in (0, 1)]
    assert plan.directory == (tmp_path / "cmp").resolve()
    for cell in plan.cells:
        assert cell.run_directory == f"runs/{cell.id}"
        assert not any(pathlib.PurePath(a).is_absolute() for a in cell.arguments), \
            f"{cell.id}: arguments hold an absolute path, so a copied directory would not run: {cell.arguments}"
        assert cell.arguments[0] == "train" and cell.steps == 12000 and cell.threads == 1
    assert sweep.status(plan, stream=open(os.devnull, "w")) == 4


def test_a_moved_comparison_directory_still_runs(tmp_path, local_comparison):
    plan = planned(tmp_path)
    moved = tmp_path / "elsewhere"
    shutil.move(plan.directory, moved)
    plan = sweep.Plan.load(moved / "plan.json")
    assert plan.directory == moved.resolve()
    for index in range(len(plan.cells)):
        assert sweep.run_cell(plan, plan.cells[index], str(_cli())) == 0
    assert_same_results(local_comparison, moved)


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(format="other"), r"key 'format' must be 'mural-plan'"),
    (lambda d: d.update(version=99), r"plan version 99 is not supported"),
    (lambda d: d.pop("cells"), r"key 'cells' is missing"),
    (lambda d: d["cells"][1].pop("arguments"), r"key 'cells\[1\]\.arguments' is missing"),
    (lambda d: d["cells"][0].update(steps="many"), r"key 'cells\[0\]\.steps' must be int, got 'many'"),
    (lambda d: d["cells"][0].update(runDirectory="../outside"), r"must lie inside the comparison directory"),
    (lambda d: d["cells"][2].update(id=d["cells"][0]["id"]), r"duplicate ids"),
])
def test_a_broken_plan_is_an_error_naming_the_key(tmp_path, edit, message):
    plan = planned(tmp_path)
    document = json.loads(plan.path.read_text())
    edit(document)
    plan.path.write_text(json.dumps(document))
    with pytest.raises(sweep.PlanError, match=message):
        sweep.Plan.load(plan.path)
    result = run_sweep("status", plan.path)
    assert result.returncode == 2 and str(plan.path) in result.stderr


def test_command_line_errors(tmp_path):
    missing = run_sweep("status", tmp_path / "none.json")
    assert missing.returncode == 2 and "no such plan file" in missing.stderr
    plan = planned(tmp_path)
    index = run_sweep("cell", plan.path, "4")
    assert index.returncode == 2 and "cell index 4 is out of range (the plan has 4 cells)" in index.stderr
    no_mural = run_sweep("cell", plan.path, "0", "--mural", tmp_path / "nothing")
    assert no_mural.returncode == 2 and "the mural command is not found" in no_mural.stderr


# Slurm, run the way Slurm runs an array job: the script once per index with SLURM_ARRAY_TASK_ID.


@pytest.mark.slow
def test_slurm_array_with_a_preempted_cell_equals_the_local_comparison(tmp_path, local_comparison):
    plan = planned(tmp_path)
    script = run_sweep("slurm", plan.path, "--throttle", "2", "--sbatch=--time=01:00:00", check=True).stdout
    assert "#SBATCH --array=0-3%2" in script and "#SBATCH --requeue" in script and "#SBATCH --time=01:00:00" in script
    path = tmp_path / "cells.sbatch"
    path.write_text(script)

    def index(i, **kwargs):
        return subprocess.Popen(["bash", str(path)], env={**environment(), "SLURM_ARRAY_TASK_ID": str(i),
                                                         "SLURM_JOB_ID": "1"}, **kwargs)

    # Index 0 is preempted: Slurm sends SIGTERM, the cell checkpoints and exits; the requeued index resumes.
    preempted = sweep.schedule(plan)[0]
    first = index(0)
    wait_for_checkpoint(plan, preempted, first)
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=60) == 128 + signal.SIGTERM, "a preempted cell should exit as SIGTERM's shell status"
    assert not plan.is_complete(preempted)
    for i, cell in enumerate(sweep.schedule(plan)):
        assert index(i).wait(timeout=600) == 0, f"array index {i} failed; see {plan.run_directory(cell)}/train.log"
    assert index(0).wait(timeout=60) == 0, "a complete cell's index should exit 0 at once"
    log = (plan.run_directory(preempted) / "train.log").read_text()
    assert log.count("== attempt of index 0") == 2 and "resuming" in log
    bad = subprocess.run(["bash", str(path)], env={**environment(), "SLURM_ARRAY_TASK_ID": "9"}, capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "no cell 9" in bad.stderr
    assert_same_results(local_comparison, plan.directory)


# Ray, for real: a local head on 127.0.0.1, a driver killed midway and started again.


@pytest.fixture
def ray_head():
    pytest.importorskip("ray")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ray = pathlib.Path(sys.executable).with_name("ray")
    started = subprocess.run([str(ray), "start", "--head", "--node-ip-address", "127.0.0.1", "--port", str(port),
                              "--num-cpus", "2", "--include-dashboard", "false", "--disable-usage-stats"],
                             capture_output=True, text=True, env=environment())
    if started.returncode != 0:
        # Ray's own startup timeout fires on a starved machine ("The current node timed out during
        # startup"): say so, rather than a bare exit status.
        subprocess.run([str(ray), "stop", "--force"], capture_output=True)
        pytest.fail(f"`ray start --head` exited with {started.returncode}:\n{started.stderr[-2000:]}")
    yield f"127.0.0.1:{port}"
    subprocess.run([str(ray), "stop", "--force"], capture_output=True)


@pytest.mark.slow
def test_ray_driver_killed_midway_resumes_to_the_local_results(tmp_path, local_comparison, ray_head):
    plan = planned(tmp_path)
    command = sweep_command("ray", plan.path, "--address", ray_head, "--interval", "1")
    driver = subprocess.Popen(command, cwd=REPOSITORY, env=environment(), stderr=subprocess.DEVNULL)
    wait_for_checkpoint(plan, sweep.schedule(plan)[0], driver)
    driver.kill()  # the harshest stop: the driver gets no chance to cancel anything
    driver.wait()
    assert not all(plan.is_complete(c) for c in plan.cells), "the driver was killed too late to test anything"

    rerun = subprocess.run(command, cwd=REPOSITORY, env=environment(), capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, f"the restarted driver failed:\n{rerun.stderr}"
    assert "4/4 cells done" in rerun.stderr and "ETA" in rerun.stderr
    assert all(plan.is_complete(c) for c in plan.cells)
    resumed = [c for c in plan.cells if "resuming" in (plan.run_directory(c) / "train.log").read_text()]
    assert resumed, "no cell resumed from a checkpoint after the driver was killed"
    assert_same_results(local_comparison, plan.directory)
