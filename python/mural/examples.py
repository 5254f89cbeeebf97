"""Success examples, as `mural examples` makes them."""

from __future__ import annotations

import ctypes
import os
from typing import NamedTuple

import numpy as np

from . import _lib
from .env import MuralEnv
from .errors import InvalidArgumentError


class Examples(NamedTuple):
    """Success examples: classifier features (N×D) and full observations (N×O), float32."""

    features: np.ndarray
    observations: np.ndarray
    feature_names: list[str]
    observation_names: list[str]


def examples(task: str | os.PathLike | MuralEnv, count: int = 200, seed: int = 0, strategy: str = "teleport") -> Examples:
    """``count`` success states of ``task``, identical to ``mural examples --task T --count N
    --seed S --strategy X`` (its FILE.npy and FILE.observations.npy).

    ``strategy`` is ``"teleport"`` (place the objects in a sampled success configuration and
    let them settle) or ``"expert"`` (keep a success state from each noisy expert episode).
    """
    if not isinstance(count, (int, np.integer)) or count < 1:
        raise InvalidArgumentError(f"count must be a positive integer, got {count!r}")
    if not 0 <= seed < 2**64:
        raise InvalidArgumentError(f"seed must be in [0, 2**64), got {seed}")
    env = task if isinstance(task, MuralEnv) else MuralEnv(task)
    try:
        d = env.task_description
        features = np.zeros((count, len(d["feature_indices"])), np.float32)
        observations = np.zeros((count, len(d["observation_names"])), np.float32)
        _lib.call("mural_examples", env.handle, int(count), int(seed), _lib.encode(strategy),
                  _lib.pointer(features, ctypes.c_float), _lib.pointer(observations, ctypes.c_float))
        return Examples(features, observations, d["feature_names"], d["observation_names"])
    finally:
        if env is not task:
            env.close()
