"""Run the cells of a `mural compare` plan on Ray, or as a Slurm job array.

`mural compare ... --out OUT --plan` prepares OUT and writes OUT/plan.json instead of running
the grid. Each cell of the plan is a complete `mural train` invocation whose paths are relative
to OUT, so a cell runs the same anywhere OUT is visible (a shared file system, or a copy), and
its bytes equal those of a local `mural compare`. `mural report OUT` aggregates whichever cells
are complete and lists the rest. This module plugs those cells into existing engines::

    python -m mural.sweep status OUT/plan.json
    python -m mural.sweep ray OUT/plan.json --address auto        # or no address: a local Ray
    python -m mural.sweep slurm OUT/plan.json --throttle 20 > cells.sbatch && sbatch cells.sbatch
    python -m mural.sweep cell OUT/plan.json 7                   # one cell, as both executors do

Cells resume: a cell asked to stop (SIGTERM, as Ray and Slurm stop work) writes a checkpoint and
exits, and its next attempt continues from it bit for bit. A cell's log is appended to
`RUN/train.log`, one header per attempt.
"""

from __future__ import annotations

import argparse
import ctypes
import dataclasses
import datetime
import json
import os
import pathlib
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time

PLAN_FORMAT = "mural-plan"
PLAN_VERSION = 1
COMPLETION_FILE = "final.json"
LOG_FILE = "train.log"


class PlanError(ValueError):
    """A plan file that cannot be used; the message names the file and the key."""


@dataclasses.dataclass(frozen=True)
class Cell:
    """One training run of the grid."""

    id: str
    run_directory: str
    arguments: tuple[str, ...]
    steps: int
    threads: int
    estimated_seconds: float


@dataclasses.dataclass(frozen=True)
class Plan:
    """A grid's cells, as `mural compare --plan` writes them."""

    path: pathlib.Path
    directory: pathlib.Path
    mural_version: str
    cells: tuple[Cell, ...]

    @classmethod
    def load(cls, path: str | os.PathLike) -> Plan:
        path = pathlib.Path(path).resolve()
        try:
            document = json.loads(path.read_text())
        except FileNotFoundError:
            raise PlanError(f"{path}: no such plan file") from None
        except (OSError, json.JSONDecodeError) as error:
            raise PlanError(f"{path}: not a readable JSON plan ({error})") from None

        def field(mapping, key, kind, where=""):
            if not isinstance(mapping, dict) or key not in mapping:
                raise PlanError(f"{path}: key '{where}{key}' is missing")
            value = mapping[key]
            if kind is int and isinstance(value, bool) or not isinstance(value, kind):
                raise PlanError(f"{path}: key '{where}{key}' must be {kind.__name__}, got {value!r}")
            return value

        if field(document, "format", str) != PLAN_FORMAT:
            raise PlanError(f"{path}: key 'format' must be '{PLAN_FORMAT}', got {document['format']!r}")
        version = field(document, "version", int)
        if version != PLAN_VERSION:
            raise PlanError(f"{path}: plan version {version} is not supported (this package reads version {PLAN_VERSION})")
        cells = []
        for index, entry in enumerate(field(document, "cells", list)):
            where = f"cells[{index}]."
            arguments = field(entry, "arguments", list, where)
            if not arguments or not all(isinstance(a, str) for a in arguments):
                raise PlanError(f"{path}: key '{where}arguments' must be a non-empty list of strings")
            cell = Cell(id=field(entry, "id", str, where), run_directory=field(entry, "runDirectory", str, where),
                        arguments=tuple(arguments), steps=field(entry, "steps", int, where),
                        threads=field(entry, "threads", int, where),
                        estimated_seconds=float(field(entry, "estimatedSeconds", (int, float), where)))
            if cell.threads < 1 or cell.steps < 1:
                raise PlanError(f"{path}: key '{where}threads' and '{where}steps' must be positive")
            if pathlib.PurePath(cell.run_directory).is_absolute() or ".." in pathlib.PurePath(cell.run_directory).parts:
                raise PlanError(f"{path}: key '{where}runDirectory' must lie inside the comparison directory, "
                                f"got {cell.run_directory!r}")
            cells.append(cell)
        if len({c.id for c in cells}) != len(cells):
            raise PlanError(f"{path}: key 'cells' holds duplicate ids")
        # Relative to the plan file, so that a comparison directory holding its plan can be moved.
        directory = (path.parent / field(document, "directory", str)).resolve()
        return cls(path=path, directory=directory, mural_version=field(document, "mural", str), cells=tuple(cells))

    def run_directory(self, cell: Cell) -> pathlib.Path:
        return self.directory / cell.run_directory

    def is_complete(self, cell: Cell) -> bool:
        return (self.run_directory(cell) / COMPLETION_FILE).is_file()

    def steps_done(self, cell: Cell) -> int:
        """Steps the cell has reached, from its last evaluation (all of them once it is complete)."""
        if self.is_complete(cell):
            return cell.steps
        try:
            with open(self.run_directory(cell) / "metrics.jsonl", "rb") as log:
                lines = log.read().splitlines()
            return int(json.loads(lines[-1])["step"]) if lines else 0
        except (OSError, ValueError, KeyError, IndexError):
            return 0

    def cell(self, index: int) -> Cell:
        if not 0 <= index < len(self.cells):
            raise PlanError(f"{self.path}: cell index {index} is out of range (the plan has {len(self.cells)} cells)")
        return self.cells[index]


def schedule(plan: Plan) -> list[Cell]:
    """The cells in the order executors start them: longest first (meta-NML's), as `mural compare`
    does, so that the last to start are short and the machines finish together."""
    return sorted(plan.cells, key=lambda c: -c.estimated_seconds)


def find_mural(explicit: str | None = None) -> str:
    """The `mural` executable: `explicit`, $MURAL_CLI, or `mural` on PATH."""
    candidate = explicit or os.environ.get("MURAL_CLI") or shutil.which("mural")
    if not candidate or not os.access(candidate, os.X_OK):
        raise PlanError(f"the mural command is not found ({candidate or 'not on PATH'}): pass --mural PATH or set MURAL_CLI")
    return str(pathlib.Path(candidate).resolve())


def _stop_with_parent():
    """In the child, before exec: SIGTERM when the process that started it dies, so a killed Ray
    worker or driver still lets its cell checkpoint instead of leaving it running."""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def run_cell(plan: Plan, cell: Cell, mural: str, attempt: int = 1) -> int:
    """Runs (or resumes) one cell in the foreground and returns its exit status; 0 when complete.

    SIGTERM or SIGINT to this process is passed on to the cell, which checkpoints and exits."""
    if plan.is_complete(cell):
        return 0
    run = plan.run_directory(cell)
    run.mkdir(parents=True, exist_ok=True)
    with open(run / LOG_FILE, "ab") as log:
        stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        log.write(f"== attempt {attempt} of {cell.id} on {socket.gethostname()} at {stamp}\n".encode())
        log.flush()
        child = subprocess.Popen([mural, *cell.arguments], cwd=plan.directory, stdout=log, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, preexec_fn=_stop_with_parent)

        def forward(signum, _frame):
            child.send_signal(signal.SIGTERM)

        previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            while True:
                try:
                    status = child.wait()
                    break
                except KeyboardInterrupt:  # Ray cancels a task by raising it
                    child.send_signal(signal.SIGTERM)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
    return status


class Progress:
    """Cells done, running and failed, the running cells' steps, and an ETA from the steps made
    since the executor started."""

    def __init__(self, plan: Plan, stream=sys.stderr):
        self.plan, self.stream = plan, stream
        self.started = time.monotonic()
        self.total = sum(c.steps for c in plan.cells)
        self.initial = self.steps()

    def steps(self) -> int:
        return sum(self.plan.steps_done(c) for c in self.plan.cells)

    def report(self, running: list[Cell], failed: int):
        done = sum(self.plan.is_complete(c) for c in self.plan.cells)
        steps = self.steps()
        elapsed = time.monotonic() - self.started
        rate = (steps - self.initial) / elapsed if elapsed > 0 else 0
        eta = f"ETA {datetime.timedelta(seconds=round((self.total - steps) / rate))}" if rate > 0 else "ETA unknown"
        detail = ", ".join(f"{c.id} {self.plan.steps_done(c)}/{c.steps}" for c in running[:4])
        more = f" (+{len(running) - 4} more)" if len(running) > 4 else ""
        print(f"mural sweep: {done}/{len(self.plan.cells)} cells done, {len(running)} running, {failed} failed; "
              f"{steps}/{self.total} steps; {eta}" + (f"; running: {detail}{more}" if running else ""),
              file=self.stream, flush=True)


def _ray_cell(plan_path: str, index: int, mural: str, attempt: int) -> int:
    plan = Plan.load(plan_path)
    return run_cell(plan, plan.cell(index), mural, attempt)


def run_on_ray(plan: Plan, mural: str, address: str | None, retries: int, interval: float = 30.0,
               stream=sys.stderr) -> int:
    """Submits every incomplete cell as a Ray task (one CPU per OpenBLAS thread), retries failed
    cells up to `retries` times, and returns the number of cells that failed."""
    import ray

    ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
    remote = ray.remote(_ray_cell)
    attempts: dict[str, int] = {}
    submitted: dict = {}

    def submit(index: int):
        cell = plan.cells[index]
        attempts[cell.id] = attempts.get(cell.id, 0) + 1
        reference = remote.options(num_cpus=cell.threads, max_retries=0, name=cell.id).remote(
            str(plan.path), index, mural, attempts[cell.id])
        submitted[reference] = index

    for cell in schedule(plan):
        if not plan.is_complete(cell):
            submit(plan.cells.index(cell))
    progress = Progress(plan, stream)
    failed: list[Cell] = []
    try:
        while submitted:
            progress.report([plan.cells[i] for i in submitted.values() if plan.steps_done(plan.cells[i]) > 0], len(failed))
            ready, _ = ray.wait(list(submitted), num_returns=1, timeout=interval)
            for reference in ready:
                index = submitted.pop(reference)
                cell = plan.cells[index]
                try:
                    status = ray.get(reference)
                except ray.exceptions.RayError as error:  # the worker died, or the task was cancelled
                    status, reason = -1, str(error).splitlines()[0]
                else:
                    reason = f"exit status {status}"
                if status == 0 and plan.is_complete(cell):
                    continue
                if attempts[cell.id] <= retries:
                    print(f"mural sweep: {cell.id} failed ({reason}); retrying, attempt {attempts[cell.id] + 1} "
                          f"of {retries + 1}; log: {plan.run_directory(cell) / LOG_FILE}", file=stream, flush=True)
                    time.sleep(min(2 ** attempts[cell.id], 30))  # let a stopped attempt release its run directory
                    submit(index)
                else:
                    failed.append(cell)
                    print(f"mural sweep: {cell.id} FAILED after {attempts[cell.id]} attempts ({reason}); "
                          f"log: {plan.run_directory(cell) / LOG_FILE}", file=stream, flush=True)
    except KeyboardInterrupt:
        # Ray raises KeyboardInterrupt in each running task, which stops its cell with SIGTERM:
        # the cells checkpoint, and the same command continues them.
        for reference in submitted:
            ray.cancel(reference)
        time.sleep(2)
        raise
    finally:
        progress.report([], len(failed))
        ray.shutdown()
    return len(failed)


def slurm_script(plan: Plan, mural: str, throttle: int, job_name: str, extra: list[str]) -> str:
    """An `sbatch --array` script: one index per cell (longest first), at most `throttle` at a
    time, requeued on preemption; each index resumes its cell from its checkpoint."""
    threads = max(c.threads for c in plan.cells)
    lines = [
        "#!/bin/bash",
        f"#SBATCH --job-name={job_name}",
        f"#SBATCH --array=0-{len(plan.cells) - 1}%{throttle}",
        f"#SBATCH --cpus-per-task={threads}",
        "#SBATCH --requeue",
        "#SBATCH --open-mode=append",
        f"#SBATCH --output={plan.directory}/slurm/%A_%a.out",
        *[f"#SBATCH {option}" for option in extra],
        f"# Written by `python -m mural.sweep slurm` for {plan.path} ({len(plan.cells)} cells).",
        "# Each index runs one cell, the longest first; its log goes to RUN/train.log. Slurm stops a job with SIGTERM, on",
        "# which the cell writes a checkpoint and exits; its requeued attempt resumes from it.",
        "set -euo pipefail",
        ': "${SLURM_ARRAY_TASK_ID:?run this script with sbatch, or set SLURM_ARRAY_TASK_ID}"',
        f"MURAL=${{MURAL_CLI:-{shlex.quote(mural)}}}",
        f"cd {shlex.quote(str(plan.directory))}",
        'case "$SLURM_ARRAY_TASK_ID" in',
    ]
    for index, cell in enumerate(schedule(plan)):
        lines.append(f"  {index}) run={shlex.quote(cell.run_directory)}; "
                     f"arguments=({' '.join(shlex.quote(a) for a in cell.arguments)}) ;;")
    lines += [
        '  *) echo "mural cells: no cell $SLURM_ARRAY_TASK_ID in this plan" >&2; exit 2 ;;',
        "esac",
        f'[ -f "$run/{COMPLETION_FILE}" ] && exit 0',
        'mkdir -p "$run"',
        f'echo "== attempt of index $SLURM_ARRAY_TASK_ID (job ${{SLURM_JOB_ID:-none}}) on $(hostname) at '
        f'$(date -u +%FT%TZ)" >> "$run/{LOG_FILE}"',
        f'exec "$MURAL" "${{arguments[@]}}" >> "$run/{LOG_FILE}" 2>&1',
        "",
    ]
    return "\n".join(lines)


def status(plan: Plan, stream=sys.stdout) -> int:
    """Prints each cell's state; returns the number of cells not complete."""
    missing = 0
    for cell in plan.cells:
        if plan.is_complete(cell):
            state = "complete"
        else:
            missing += 1
            steps = plan.steps_done(cell)
            state = f"started, {steps}/{cell.steps} steps" if steps else "not started"
        print(f"{cell.id}\t{state}", file=stream)
    print(f"{len(plan.cells) - missing}/{len(plan.cells)} cells complete", file=stream)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mural.sweep", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in [("status", "list each cell's state"), ("ray", "run the plan's cells as Ray tasks"),
                       ("slurm", "print an sbatch --array script for the plan"), ("cell", "run one cell")]:
        command = commands.add_parser(name, help=text)
        command.add_argument("plan", help="the plan file (OUT/plan.json)")
        if name != "status":
            command.add_argument("--mural", help="the mural executable (default: $MURAL_CLI, or mural on PATH)")
        if name == "cell":
            command.add_argument("index", type=int, help="the cell's index in the plan")
        if name == "ray":
            command.add_argument("--address", help="a Ray cluster's address, or 'auto'; default: start a local Ray")
            command.add_argument("--retries", type=int, default=2, help="attempts after a failure (default 2)")
            command.add_argument("--interval", type=float, default=30, help="seconds between progress lines")
        if name == "slurm":
            command.add_argument("--throttle", type=int, default=16, help="array tasks running at once (%%K)")
            command.add_argument("--job-name", default="mural-cells")
            command.add_argument("--sbatch", action="append", default=[], metavar="OPTION",
                                 help="an extra #SBATCH line, e.g. --sbatch=--time=12:00:00 (repeatable)")
    arguments = parser.parse_args(argv)
    try:
        plan = Plan.load(arguments.plan)
        if arguments.command == "status":
            return 1 if status(plan) else 0
        mural = find_mural(arguments.mural)
        if arguments.command == "cell":
            return run_cell(plan, plan.cell(arguments.index), mural)
        if arguments.command == "slurm":
            if arguments.throttle < 1:
                raise PlanError(f"--throttle must be positive, got {arguments.throttle}")
            (plan.directory / "slurm").mkdir(exist_ok=True)  # Slurm does not create --output's directory
            sys.stdout.write(slurm_script(plan, mural, arguments.throttle, arguments.job_name, arguments.sbatch))
            return 0
        if arguments.retries < 0:
            raise PlanError(f"--retries must be zero or more, got {arguments.retries}")
        return 1 if run_on_ray(plan, mural, arguments.address, arguments.retries, arguments.interval) else 0
    except PlanError as error:
        print(f"mural sweep: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mural sweep: interrupted; running cells were stopped and checkpointed, and the same command "
              "continues them", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
