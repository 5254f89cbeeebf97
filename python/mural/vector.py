"""N environments of one task stepped by one library call per step."""

from __future__ import annotations

import ctypes
import os
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from . import _lib
from .env import SEED_BOUND, MuralEnv
from .errors import ClosedError, InvalidArgumentError


class MuralVectorEnv(VectorEnv):
    """``num_envs`` copies of a task, stepped together in one call into the library.

    Autoreset follows Gymnasium's default, ``AutoresetMode.NEXT_STEP``: the step after an
    episode ends resets that environment (its action is ignored, its reward is 0 and both
    flags are False) and returns the new episode's first observation. Seeding matches
    ``SyncVectorEnv`` over ``MuralEnv``s: ``reset(seed=s)`` gives environment i the seed
    ``s + i``; autoresets draw seeds from each environment's own ``np_random``. For the same
    seeds and actions the two give the same bits.

    ``infos`` hold ``is_success`` and the task's metrics for every environment, each with its
    ``_key`` mask (always all True).
    """

    metadata = {"render_modes": ["rgb_array"], "autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(self, task: str | os.PathLike, num_envs: int = 1, render_mode: str | None = None,
                 reward: str = "sparse", terminate_on_success: bool = False, width: int = 320, height: int = 240,
                 max_episode_steps: int | None = None):
        if num_envs < 1:
            raise InvalidArgumentError(f"num_envs must be at least 1, got {num_envs}")
        self._handle = None
        self.envs = [MuralEnv(task, render_mode=render_mode, reward=reward, terminate_on_success=terminate_on_success,
                              width=width, height=height) for _ in range(num_envs)]
        first = self.envs[0]
        self.num_envs = num_envs
        self.render_mode = render_mode
        self.task_id = first.task_id
        self.metric_names = first.metric_names
        self.single_observation_space = first.observation_space
        self.single_action_space = first.action_space
        self.observation_space = batch_space(first.observation_space, num_envs)
        self.action_space = batch_space(first.action_space, num_envs)
        self.metadata = {**type(self).metadata, "render_fps": first.metadata["render_fps"]}
        # gymnasium.make_vec passes the registered time limit (the horizon), which the task
        # enforces itself; a shorter one truncates here.
        self.max_episode_steps = min(max_episode_steps or first.horizon, first.horizon)

        handles = np.array([env.handle for env in self.envs], dtype=np.uint64)
        handle = ctypes.c_uint64()
        _lib.call("mural_vec_create", _lib.pointer(handles, ctypes.c_uint64), num_envs, ctypes.byref(handle))
        self._handle = handle.value

        n, o, m = num_envs, first.observation_space.shape[0], len(self.metric_names)
        self._observations = np.zeros((n, o), np.float32)
        self._rewards = np.zeros(n, np.float64)
        self._terminated = np.zeros(n, np.uint8)
        self._truncated = np.zeros(n, np.uint8)
        self._successes = np.zeros(n, np.uint8)
        self._metrics = np.zeros((n, m), np.float64)
        self._seeds = np.zeros(n, np.uint64)
        self._autoreset = np.zeros(n, np.bool_)
        self._steps = np.zeros(n, np.int64)
        self._all = np.ones(n, np.bool_)
        self._action_shape = (n, *first.action_space.shape)
        p = _lib.pointer
        self._outputs = (p(self._observations, ctypes.c_float), p(self._rewards, ctypes.c_double),
                         p(self._terminated, ctypes.c_uint8), p(self._truncated, ctypes.c_uint8),
                         p(self._successes, ctypes.c_uint8), p(self._metrics, ctypes.c_double))
        self._seeds_p = p(self._seeds, ctypes.c_uint64)

    @property
    def handle(self) -> int:
        if self._handle is None:
            raise ClosedError(f"{self.task_id}: the vector environment is closed")
        return self._handle

    def _draw_seed(self, i: int, seed: int | None) -> int:
        """Environment i's Mural seed, as `MuralEnv.reset` chooses it."""
        env = self.envs[i]
        if seed is not None and not 0 <= seed < SEED_BOUND:
            raise InvalidArgumentError(f"seed must be in [0, 2**64), got {seed}")
        gym.Env.reset(env, seed=seed)
        if seed is None:
            return int(env.np_random.integers(SEED_BOUND, dtype=np.uint64))
        return seed

    def _infos(self) -> dict[str, Any]:
        infos: dict[str, Any] = {"is_success": self._successes.astype(np.bool_), "_is_success": self._all.copy()}
        for k, name in enumerate(self.metric_names):
            infos[name] = self._metrics[:, k].copy()
            infos["_" + name] = self._all.copy()
        return infos

    def reset(self, *, seed: int | list[int | None] | None = None, options: dict[str, Any] | None = None):
        if seed is None:
            seeds = [None] * self.num_envs
        elif isinstance(seed, (int, np.integer)):
            seeds = [int(seed) + i for i in range(self.num_envs)]
        else:
            seeds = list(seed)
            if len(seeds) != self.num_envs:
                raise InvalidArgumentError(f"reset got {len(seeds)} seeds for {self.num_envs} environments")
        for i, s in enumerate(seeds):
            self._seeds[i] = self._draw_seed(i, s)
        observations, _, _, _, successes, metrics = self._outputs
        _lib.call("mural_vec_reset", self.handle, self._seeds_p, observations, successes, metrics)
        self._autoreset[:] = False
        self._steps[:] = 0
        return self._observations.copy(), self._infos()

    def step(self, actions):
        a = np.asarray(actions)
        if a.dtype.kind not in "fiu":
            raise InvalidArgumentError(f"{self.task_id}: actions have dtype {a.dtype}; expected real numbers (float32)")
        if a.shape != self._action_shape:
            raise InvalidArgumentError(f"{self.task_id}: actions have shape {a.shape}, expected {self._action_shape}")
        a = np.ascontiguousarray(a, dtype=np.float32)
        mask = None
        if self._autoreset.any():
            for i in np.flatnonzero(self._autoreset):
                self._seeds[i] = self._draw_seed(int(i), None)
            mask = self._autoreset.astype(np.uint8)
        _lib.call("mural_vec_step", self.handle, _lib.pointer(a, ctypes.c_float), a.size,
                  _lib.pointer(mask, ctypes.c_uint8), self._seeds_p if mask is not None else None, *self._outputs)
        self._steps += 1
        if mask is not None:
            self._steps[self._autoreset] = 0
        terminated = self._terminated.astype(np.bool_)
        truncated = self._truncated.astype(np.bool_) | ((self._steps >= self.max_episode_steps) & ~terminated)
        self._autoreset = terminated | truncated
        return self._observations.copy(), self._rewards.copy(), terminated, truncated, self._infos()

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() was called without render_mode='rgb_array'; nothing is drawn")
            return None
        return tuple(env.render() for env in self.envs)

    def close_extras(self, **kwargs):
        if self._handle is not None:
            handle, self._handle = self._handle, None
            _lib.call("mural_vec_close", handle)
        for env in getattr(self, "envs", []):
            env.close()
