"""MURAL's reward models for any algorithm: meta-NML, VICE and the count bonus.

Each model learns from success examples (positives) against visited states (negatives),
both given as float32 arrays of the task's classifier features (``env.features(obs)``),
and scores states::

    model = mural.rewards.MetaNML("maze-zigzag-v1", seed=0)
    model.update(positives, negatives)
    rewards = model.reward(states)

The numbers are those of the Swift models for the same inputs, settings and seed
(``mural rewards`` on the command line).
"""

from __future__ import annotations

import ctypes
import json
import os
from typing import Any

import numpy as np

from . import _lib
from .env import MuralEnv
from .errors import ClosedError, InvalidArgumentError


def _matrix(values: Any, columns: int, what: str) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind not in "fiu":
        raise InvalidArgumentError(f"{what} have dtype {array.dtype}; expected real numbers (float32)")
    if array.ndim == 1 and columns == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[1] != columns:
        raise InvalidArgumentError(f"{what} have shape {array.shape}; expected (N, {columns}), one row of classifier features each")
    return np.ascontiguousarray(array, dtype=np.float32)


class RewardModel:
    """A learned reward over one task's classifier features."""

    kind = ""

    def __init__(self, task: str | os.PathLike | MuralEnv, seed: int = 0, preset: str = "fast", **settings: Any):
        """
        Args:
            task: the task (an id, a task file or an environment) whose features the model reads.
            seed: seeds every random choice of the model.
            preset: meta-NML's model size, ``"fast"`` (H = 128) or ``"paper"`` (the released sizes).
            settings: changes to the model's configuration, by the Swift names in snake case,
                e.g. ``hidden_size=32`` or ``initial_meta_epochs=1``; see ``configuration``.
        """
        if not 0 <= seed < 2**64:
            raise InvalidArgumentError(f"seed must be in [0, 2**64), got {seed}")
        self._handle = None
        env = task if isinstance(task, MuralEnv) else MuralEnv(task)
        self._arguments = dict(task=task if not isinstance(task, MuralEnv) else task._arguments["task"],
                               seed=seed, preset=preset, **settings)
        try:
            handle = ctypes.c_uint64()
            _lib.call("mural_reward_create", _lib.encode(self.kind), env.handle, _lib.encode(preset),
                      _lib.encode(json.dumps(settings)) if settings else None, int(seed), ctypes.byref(handle))
            self._handle = handle.value
            self.feature_names: list[str] = env.task_description["feature_names"]
        finally:
            if env is not task:
                env.close()
        self.feature_dimension = len(self.feature_names)

    @property
    def handle(self) -> int:
        if self._handle is None:
            raise ClosedError(f"{self.kind}: the reward model is closed")
        return self._handle

    @property
    def configuration(self) -> dict[str, Any]:
        """The model's settings (snake case), with the counters of its updates."""
        return _lib.call_json("mural_reward_describe", self.handle)

    def update(self, positives: Any, negatives: Any) -> dict[str, Any]:
        """Learns from success examples against visited states (one RL epoch's update in
        `mural train`); the count bonus counts the negatives as visits. Returns the optimiser
        steps taken and their mean loss."""
        p = _matrix(positives, self.feature_dimension, "positives")
        n = _matrix(negatives, self.feature_dimension, "negatives")
        steps, loss = ctypes.c_int64(), ctypes.c_double()
        _lib.call("mural_reward_update", self.handle, _lib.pointer(p, ctypes.c_float), p.shape[0],
                  _lib.pointer(n, ctypes.c_float), n.shape[0], self.feature_dimension, ctypes.byref(steps), ctypes.byref(loss))
        return {"optimizer_steps": steps.value, "mean_loss": None if np.isnan(loss.value) else loss.value}

    def reward(self, states: Any, successes: Any = None) -> np.ndarray:
        """Rewards of states (N×D features), float32 of shape (N,). ``successes`` are the
        task's success flags, used by the count bonus's sparse term (None: all failures)."""
        x = _matrix(states, self.feature_dimension, "states")
        flags = None
        if successes is not None:
            flags = np.ascontiguousarray(np.asarray(successes, dtype=np.bool_).astype(np.uint8))
            if flags.shape != (x.shape[0],):
                raise InvalidArgumentError(f"successes have shape {flags.shape}; expected ({x.shape[0]},)")
        out = np.zeros(x.shape[0], np.float32)
        _lib.call("mural_reward_rewards", self.handle, _lib.pointer(x, ctypes.c_float), x.shape[0], self.feature_dimension,
                  _lib.pointer(flags, ctypes.c_uint8), _lib.pointer(out, ctypes.c_float))
        return out

    def close(self) -> None:
        if self._handle is not None:
            handle, self._handle = self._handle, None
            _lib.call("mural_reward_close", handle)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._arguments})"


class MetaNML(RewardModel):
    """MURAL's meta-NML classifier: the normalised maximum-likelihood reward, which stays near
    0.5 where the agent has not been (Li, Gupta et al., ICML 2021)."""

    kind = "metanml"


class VICE(RewardModel):
    """VICE's classifier logit (Fu et al., 2018). Without a policy at hand it learns with
    binary cross-entropy (``loss="binaryCrossEntropy"``), as ``mural reward-map`` does."""

    kind = "vice"


class Count(RewardModel):
    """Sparse reward plus a count bonus c/√N(s) over a grid of the classifier features."""

    kind = "count"
