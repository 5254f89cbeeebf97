"""Shared fixtures: the `mural` command to compare against, and the task ids."""

import json
import os
import pathlib
import subprocess

import numpy as np
import pytest

import mural

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]

# The package's tests fail on any warning, except gym.make's note on the pusher's constant hand
# height (see test_env.py). Each module sets `pytestmark = STRICT_WARNINGS`; other test modules
# (which may import libraries that warn) keep pytest's defaults.
STRICT_WARNINGS = [
    pytest.mark.filterwarnings("error"),
    pytest.mark.filterwarnings("ignore:.*A Box observation space maximum and minimum values are equal:UserWarning"),
]
TASK_IDS = mural.task_ids()


def _cli() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("MURAL_CLI", REPOSITORY / ".build" / "release" / "mural"))
    if not path.is_file():
        pytest.fail(f"the mural command is missing at {path}: build it with `swift build -c release` or set MURAL_CLI")
    return path


@pytest.fixture(scope="session")
def cli():
    """Runs `mural ARGS...` and returns its standard output; a failure shows its stderr."""
    path = _cli()

    def run(*arguments):
        result = subprocess.run([str(path), *map(str, arguments)], capture_output=True, text=True,
                                env={**os.environ, "MURAL_TASKS_DIR": str(REPOSITORY / "Tasks")})
        assert result.returncode == 0, f"mural {' '.join(map(str, arguments))} failed:\n{result.stderr}"
        return result.stdout

    return run


@pytest.fixture(scope="session")
def cli_tasks(cli):
    return {row["id"]: row for row in json.loads(cli("tasks", "--json"))}


def save_npy(path, array):
    np.save(path, np.ascontiguousarray(array, dtype=np.float32))
    return path


def pytest_report_header(config):
    from mural import _lib
    return f"mural: {pathlib.Path(mural.__file__).parent}, library {_lib._library_path()}, tasks {_lib.tasks_directory()}"
