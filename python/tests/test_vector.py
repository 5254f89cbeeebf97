"""The vector environment equals SyncVectorEnv over single environments, bit for bit."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode, SyncVectorEnv

import mural
from conftest import STRICT_WARNINGS

pytestmark = STRICT_WARNINGS


def _assert_same_step(ours, theirs, step):
    names = ("observations", "rewards", "terminations", "truncations")
    for name, a, b in zip(names, ours[:4], theirs[:4]):
        assert a.dtype == b.dtype, f"step {step}: {name} dtype {a.dtype} != SyncVectorEnv's {b.dtype}"
        assert np.array_equal(a, b), f"step {step}: {name} differ from SyncVectorEnv's"
    assert ours[4].keys() == theirs[4].keys(), f"step {step}: info keys {sorted(ours[4])} != {sorted(theirs[4])}"
    for key in ours[4]:
        assert ours[4][key].dtype == theirs[4][key].dtype, f"step {step}: info[{key!r}] dtype differs"
        assert np.array_equal(ours[4][key], theirs[4][key]), f"step {step}: info[{key!r}] differs"


@pytest.mark.parametrize("task, kwargs", [("pusher-v1", {}), ("maze-zigzag-v1", {"terminate_on_success": True}),
                                          ("door-v1", {"max_episode_steps": 30})])
def test_vector_env_equals_sync_vector_env(task, kwargs):
    n = 3
    ours = gym.make_vec(f"mural/{task}", num_envs=n, vectorization_mode="vector_entry_point", **kwargs)
    theirs = gym.make_vec(f"mural/{task}", num_envs=n, vectorization_mode="sync", **kwargs)
    assert isinstance(ours.unwrapped, mural.MuralVectorEnv) and isinstance(theirs.unwrapped, SyncVectorEnv)
    assert ours.metadata["autoreset_mode"] == theirs.metadata["autoreset_mode"] == AutoresetMode.NEXT_STEP
    assert ours.observation_space == theirs.observation_space and ours.action_space == theirs.action_space

    a, b = ours.reset(seed=42), theirs.reset(seed=42)
    assert np.array_equal(a[0], b[0]) and a[1].keys() == b[1].keys()
    horizon = ours.unwrapped.envs[0].horizon
    steps = min(horizon, kwargs.get("max_episode_steps", horizon)) * 2 + 5  # through two autoresets
    rng = np.random.default_rng(0)
    for step in range(steps):
        actions = rng.uniform(-1, 1, size=ours.action_space.shape).astype(np.float32)
        _assert_same_step(ours.step(actions), theirs.step(actions), step)
    # Unseeded resets draw from each environment's generator, as SyncVectorEnv's do.
    assert np.array_equal(ours.reset()[0], theirs.reset()[0])
    ours.close()
    theirs.close()


def test_vector_env_is_the_default_and_renders():
    vec = gym.make_vec("mural/pusher-v1", num_envs=2, render_mode="rgb_array", width=32, height=24)
    assert isinstance(vec.unwrapped, mural.MuralVectorEnv)
    vec.reset(seed=0)
    frames = vec.render()
    assert len(frames) == 2 and frames[0].shape == (24, 32, 3)
    vec.close()
