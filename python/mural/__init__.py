"""Mural: outcome-driven RL tasks as Gymnasium environments, and MURAL's reward models.

Importing the package registers every task in Mural's ``Tasks/`` as ``mural/<id>``::

    import gymnasium as gym
    import mural

    env = gym.make("mural/door-v1", render_mode="rgb_array")
    vec = gym.make_vec("mural/pusher-v1", num_envs=64, vectorization_mode="vector_entry_point")
"""

from __future__ import annotations

import gymnasium as gym

from . import _lib, results, rewards
from .env import MuralEnv
from .errors import (ClosedError, EpisodeStateError, InvalidArgumentError, MuralError, PhysicsError, TaskFileError,
                     UnknownTaskError)
from .examples import Examples, examples
from .vector import MuralVectorEnv
from .wrappers import LearnedReward

__all__ = [
    "MuralEnv", "MuralVectorEnv", "LearnedReward", "Examples", "examples", "rewards", "results", "task_ids", "register_tasks",
    "MuralError", "InvalidArgumentError", "UnknownTaskError", "TaskFileError", "ClosedError", "EpisodeStateError",
    "PhysicsError",
]


def task_ids() -> list[str]:
    """The ids of the tasks in the package's task directory ($MURAL_TASKS_DIR if set)."""
    directory = _lib.tasks_directory()
    return sorted(p.stem for p in directory.glob("*.yaml")) if directory.is_dir() else []


def register_tasks() -> list[str]:
    """Registers ``mural/<id>`` for every task (done at import), with the task's horizon as
    its time limit; returns the ids."""
    ids = task_ids()
    for task in ids:
        env_id = f"mural/{task}"
        if env_id in gym.registry:
            continue
        env = MuralEnv(task)
        horizon = env.horizon
        env.close()
        gym.register(id=env_id, entry_point="mural.env:MuralEnv", vector_entry_point="mural.vector:MuralVectorEnv",
                     kwargs={"task": task}, max_episode_steps=horizon)
    return ids


register_tasks()
