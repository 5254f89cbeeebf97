"""Mural's tasks as Gymnasium environments."""

from __future__ import annotations

import ctypes
import os
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from . import _lib
from .errors import ClosedError, InvalidArgumentError

# Seeds Mural's generator takes: any 64-bit word.
SEED_BOUND = 2**64


def _open(task: str | os.PathLike, reward: str, terminate_on_success: bool) -> int:
    """A library handle for a task id, or for the YAML task file at a path."""
    handle = ctypes.c_uint64()
    path = os.fspath(task)
    if path.endswith((".yaml", ".yml")) or os.sep in path:
        _lib.call("mural_env_create_from_file", _lib.encode(path), _lib.encode(reward),
                  int(terminate_on_success), ctypes.byref(handle))
    else:
        _lib.call("mural_env_create", _lib.encode(str(_lib.tasks_directory())), _lib.encode(path),
                  _lib.encode(reward), int(terminate_on_success), ctypes.byref(handle))
    return handle.value


def _box(low: list, high: list) -> spaces.Box:
    # The library sends infinite bounds as null (JSON has no infinity).
    low = np.array([-np.inf if v is None else v for v in low], dtype=np.float32)
    high = np.array([np.inf if v is None else v for v in high], dtype=np.float32)
    return spaces.Box(low, high, dtype=np.float32)


def checked_action(action: Any, shape: tuple[int, ...], task: str) -> np.ndarray:
    """The action as a contiguous float32 array, or an error naming what is wrong with it.

    Any real numeric dtype is accepted (float64 arrays are common); booleans, complex
    numbers, strings and objects are not actions.
    """
    array = np.asarray(action)
    if array.dtype.kind not in "fiu":
        raise InvalidArgumentError(f"{task}: action has dtype {array.dtype}; expected real numbers (float32)")
    if array.shape != shape:
        raise InvalidArgumentError(f"{task}: action has shape {array.shape}, expected {shape}")
    return np.ascontiguousarray(array, dtype=np.float32)


class MuralEnv(gym.Env):
    """One Mural task. Observations and actions are float32 vectors.

    Args:
        task: a task id (``"door-v1"``, see ``mural tasks``) or the path of a task file.
        render_mode: ``"rgb_array"`` or None.
        reward: the reward ``step`` returns: ``"sparse"`` (1 on success, else 0) or
            ``"dense"`` (the task's hand-shaped oracle).
        terminate_on_success: end the episode as soon as the success predicate holds. Off by
            default, as in MURAL: episodes end by truncation at the task's horizon.
        width, height: the size of rendered images.

    ``reset(seed=s)`` seeds Mural's own generator with ``s``, so the episode is the one
    ``mural rollout --seed s`` plays; ``reset()`` without a seed draws the next seed from the
    environment's ``np_random``. ``info`` holds ``is_success`` and the task's metrics.
    """

    # render_fps is per task (one frame per control step); set in __init__.
    metadata = {"render_modes": ["rgb_array"], "render_fps": 30}

    def __init__(self, task: str | os.PathLike, render_mode: str | None = None,
                 reward: str = "sparse", terminate_on_success: bool = False, width: int = 320, height: int = 240):
        if render_mode not in (None, "rgb_array"):
            raise InvalidArgumentError(f"render_mode must be 'rgb_array' or None, got {render_mode!r}")
        self._arguments = dict(task=task, render_mode=render_mode, reward=reward,
                               terminate_on_success=terminate_on_success, width=width, height=height)
        self._handle = None
        self._handle = _open(task, reward, terminate_on_success)
        # The task's names, bounds, timing and metrics, as the library describes it.
        self.task_description = _lib.call_json("mural_env_describe", self._handle)
        d = self.task_description
        self.task_id: str = d["id"]
        self.observation_space = _box(d["observation_low"], d["observation_high"])
        self.action_space = _box(d["action_low"], d["action_high"])
        self.feature_space = _box([d["observation_low"][i] for i in d["feature_indices"]],
                                  [d["observation_high"][i] for i in d["feature_indices"]])
        self.feature_indices = np.array(d["feature_indices"], dtype=np.intp)
        self.metric_names: list[str] = d["metric_names"]
        self.horizon: int = d["horizon"]
        self.control_timestep: float = d["control_timestep"]
        # Real time: one control step per frame.
        self.metadata = {**type(self).metadata, "render_fps": max(1, round(1 / d["control_timestep"]))}
        self.render_mode = render_mode
        self.width, self.height = int(width), int(height)

        self._observation = np.zeros(self.observation_space.shape, np.float32)
        self._metrics = np.zeros(len(self.metric_names), np.float64)
        self._reward, self._success = ctypes.c_double(), ctypes.c_uint8()
        self._terminated, self._truncated = ctypes.c_uint8(), ctypes.c_uint8()
        self._observation_p = _lib.pointer(self._observation, ctypes.c_float)
        self._metrics_p = _lib.pointer(self._metrics, ctypes.c_double)

    @property
    def handle(self) -> int:
        if self._handle is None:
            raise ClosedError(f"{self._arguments['task']}: the environment is closed")
        return self._handle

    def _info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"is_success": bool(self._success.value)}
        info.update(zip(self.metric_names, self._metrics.tolist()))
        return info

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        if seed is not None and not 0 <= seed < SEED_BOUND:
            raise InvalidArgumentError(f"seed must be in [0, 2**64), got {seed}")
        super().reset(seed=seed)
        if seed is None:
            seed = int(self.np_random.integers(SEED_BOUND, dtype=np.uint64))
        _lib.call("mural_env_reset", self.handle, seed, self._observation_p, ctypes.byref(self._success), self._metrics_p)
        return self._observation.copy(), self._info()

    def step(self, action):
        a = checked_action(action, self.action_space.shape, self.task_id)
        _lib.call("mural_env_step", self.handle, _lib.pointer(a, ctypes.c_float), a.size, self._observation_p,
                  ctypes.byref(self._reward), ctypes.byref(self._terminated), ctypes.byref(self._truncated),
                  ctypes.byref(self._success), self._metrics_p)
        return (self._observation.copy(), self._reward.value, bool(self._terminated.value),
                bool(self._truncated.value), self._info())

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() was called without render_mode='rgb_array'; nothing is drawn")
            return None
        return render_into(self.handle, self.width, self.height)

    def features(self, observations: np.ndarray) -> np.ndarray:
        """The classifier features (what reward models see) of observations, ``(..., O) -> (..., D)``."""
        return np.asarray(observations, dtype=np.float32)[..., self.feature_indices]

    def examples(self, count: int = 200, seed: int = 0, strategy: str = "teleport"):
        """Success examples of this task; see `mural.examples`."""
        from .examples import examples
        return examples(self, count=count, seed=seed, strategy=strategy)

    def close(self):
        if self._handle is not None:
            handle, self._handle = self._handle, None
            _lib.call("mural_env_close", handle)

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    # Pickling rebuilds the environment and restores its exact state: physics, Mural's
    # generator, step counter and Gymnasium's np_random.
    def __getstate__(self):
        state = _lib.get_json_text("mural_env_get_state", self.handle)
        return {"arguments": self._arguments, "state": state, "np_random": self._np_random,
                "np_random_seed": getattr(self, "_np_random_seed", None)}

    def __setstate__(self, saved):
        self.__init__(**saved["arguments"])
        _lib.call("mural_env_set_state", self.handle, saved["state"].encode("utf-8"))
        self._np_random = saved["np_random"]
        self._np_random_seed = saved["np_random_seed"]


def render_into(handle: int, width: int, height: int) -> np.ndarray:
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    _lib.call("mural_env_render", handle, width, height, _lib.pointer(pixels, ctypes.c_uint8))
    return pixels
