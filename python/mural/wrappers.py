"""A Gymnasium wrapper that swaps the task's reward for a learned one."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from .env import MuralEnv
from .examples import examples
from .rewards import RewardModel


class LearnedReward(gym.Wrapper):
    """Replaces the reward with ``model``'s, learned from the task's success examples against
    the states the agent visits, as ``mural train --reward metanml|vice|count`` does.

    Every step's new state (its classifier features) is kept as a negative; every
    ``update_every`` steps the model updates on the examples against the visited states.
    Rewards are computed when a state is reached and never relabelled (MURAL's scheme). The
    task's own reward stays in ``info["task_reward"]``.

    Args:
        env: a Mural environment (``gymnasium.make("mural/...")`` or a ``MuralEnv``).
        model: a ``mural.rewards`` model for the same task.
        positives: success examples (N×D features); by default ``example_count`` teleport
            examples from ``seed``, as `mural train` generates them.
        update_every: environment steps between updates (an RL epoch; 1000 in MURAL).
        max_negatives: the most recent visited states kept.
    """

    def __init__(self, env: gym.Env, model: RewardModel, positives: np.ndarray | None = None,
                 update_every: int = 1000, max_negatives: int = 1_000_000, example_count: int = 200, seed: int = 0):
        super().__init__(env)
        base = env.unwrapped
        if not isinstance(base, MuralEnv):
            raise TypeError(f"LearnedReward wraps Mural environments, got {type(base).__name__}")
        self.model = model
        self.positives = (np.asarray(positives, np.float32) if positives is not None
                          else examples(base, count=example_count, seed=seed).features)
        self.update_every = update_every
        self._visited = np.zeros((max_negatives, model.feature_dimension), np.float32)
        self._count = 0
        self._steps = 0
        self.updates = 0

    @property
    def visited(self) -> np.ndarray:
        """The visited states kept (features), oldest first once the buffer has wrapped."""
        n = min(self._count, len(self._visited))
        return self._visited[:n]

    def step(self, action: Any):
        observation, reward, terminated, truncated, info = self.env.step(action)
        features = self.env.unwrapped.features(observation)
        self._visited[self._count % len(self._visited)] = features
        self._count += 1
        self._steps += 1
        learned = float(self.model.reward(features[None, :], successes=[info["is_success"]])[0])
        info = {**info, "task_reward": reward}
        if self._steps % self.update_every == 0:
            summary = self.model.update(self.positives, self.visited)
            self.updates += 1
            info["reward_model"] = summary
        return observation, learned, terminated, truncated, info
