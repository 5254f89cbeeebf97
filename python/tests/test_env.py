"""The Gymnasium environments: API conformance, seeding, rendering, pickling, task files."""

import pickle
import re
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import mural
from conftest import REPOSITORY, STRICT_WARNINGS, TASK_IDS

pytestmark = STRICT_WARNINGS

# The warnings check_env may give a Mural task. Velocities and positions of free objects are
# unbounded (as in Gymnasium-Robotics' and MuJoCo's tests), and the pusher's hand moves in a
# plane, so its height component is a constant with equal bounds. Any other warning fails.
ALLOWED_WARNINGS = [
    "A Box observation space minimum value is -infinity. This is probably too low.",
    "A Box observation space maximum value is infinity. This is probably too high.",
    "A Box observation space maximum and minimum values are equal.",
]


def test_every_task_is_registered():
    assert TASK_IDS == sorted(p.stem for p in (REPOSITORY / "Tasks").glob("*.yaml"))
    for task in TASK_IDS:
        assert f"mural/{task}" in gym.registry, f"mural/{task} is not registered"


@pytest.mark.parametrize("task", TASK_IDS)
def test_check_env_passes(task):
    env = gym.make(f"mural/{task}", render_mode="rgb_array", width=64, height=48)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped)
    unexpected = [str(w.message) for w in caught
                  if not any(allowed in str(w.message) for allowed in ALLOWED_WARNINGS)]
    assert not unexpected, f"check_env warned on {task}: {unexpected}"
    env.close()


@pytest.mark.parametrize("task", TASK_IDS)
def test_spaces_match_mural_tasks(task, cli_tasks):
    env = mural.MuralEnv(task)
    row = cli_tasks[task]
    assert env.observation_space.shape == (row["observationDimension"],)
    assert env.action_space.shape == (row["actionDimension"],)
    assert env.observation_space.dtype == np.float32 and env.action_space.dtype == np.float32
    assert env.task_description["feature_names"] == row["classifierFeatures"]
    assert env.horizon == row["horizon"] == gym.spec(f"mural/{task}").max_episode_steps
    assert env.metadata["render_fps"] == round(1 / row["controlTimestep"])
    env.close()


def test_reset_seeds_mural_and_info_has_success_and_metrics():
    env = gym.make("mural/pusher-v1")
    first, info = env.reset(seed=3)
    again, _ = env.reset(seed=3)
    other, _ = env.reset(seed=4)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other), "different seeds gave the same first observation"
    assert first.dtype == np.float32
    assert set(info) == {"is_success", "puck_distance", "hand_puck_distance"}
    _, reward, terminated, truncated, info = env.step(env.action_space.sample())
    assert isinstance(terminated, bool) and isinstance(truncated, bool) and isinstance(info["is_success"], bool)
    assert reward in (0.0, 1.0), f"sparse reward was {reward}"


def test_episodes_truncate_at_the_horizon():
    env = gym.make("mural/pusher-v1")
    env.reset(seed=0)
    for step in range(1, 101):
        _, _, terminated, truncated, _ = env.step(np.zeros(2, np.float32))
        assert not terminated
        assert truncated == (step == 100), f"truncated={truncated} at step {step} of a 100-step horizon"


def test_terminate_on_success_reports_terminated_exactly_on_success():
    env = mural.MuralEnv("maze-zigzag-v1", terminate_on_success=True)
    env.reset(seed=0)
    for _ in range(env.horizon):
        _, _, terminated, truncated, info = env.step(env.action_space.sample())
        assert terminated == info["is_success"]
        if terminated or truncated:
            break


def test_render_returns_rgb_frames_of_the_requested_size():
    env = gym.make("mural/door-v1", render_mode="rgb_array", width=80, height=60)
    env.reset(seed=0)
    frame = env.render()
    assert frame.shape == (60, 80, 3) and frame.dtype == np.uint8
    assert frame.std() > 0, "the frame is blank"


def test_pickled_environment_continues_bit_for_bit():
    env = mural.MuralEnv("pusher-v1")
    env.reset(seed=11)
    actions = np.random.default_rng(0).uniform(-1, 1, size=(20, 2)).astype(np.float32)
    for a in actions[:10]:
        env.step(a)
    copy = pickle.loads(pickle.dumps(env))
    for a in actions[10:]:
        expected, copied = env.step(a), copy.step(a)
        np.testing.assert_array_equal(expected[0], copied[0])
        assert expected[1:] == copied[1:]
    # Gymnasium's generator travels too: the next unseeded episodes agree.
    np.testing.assert_array_equal(env.reset()[0], copy.reset()[0])


def test_pickles_before_reset_and_through_gymnasium_make():
    env = gym.make("mural/door-v1")
    copy = pickle.loads(pickle.dumps(env))
    np.testing.assert_array_equal(env.reset(seed=5)[0], copy.reset(seed=5)[0])


def test_user_task_file(tmp_path):
    text = (REPOSITORY / "Tasks" / "maze-zigzag-v1.yaml").read_text()
    changed = re.sub(r"horizon: *\d+", "horizon: 7", text)
    path = tmp_path / "maze-zigzag-v1.yaml"
    path.write_text(changed)
    env = mural.MuralEnv(path)
    assert env.horizon == 7
    env.reset(seed=0)
    flags = [env.step(np.zeros(2, np.float32))[3] for _ in range(7)]
    assert flags == [False] * 6 + [True]
