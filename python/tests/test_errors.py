"""Every bad input raises a Python exception naming the problem; none takes the interpreter down."""

import numpy as np
import pytest

import gymnasium as gym
import mural
from conftest import REPOSITORY, STRICT_WARNINGS

pytestmark = STRICT_WARNINGS


def test_unknown_task_id_lists_the_valid_ones():
    with pytest.raises(mural.UnknownTaskError, match=r"unknown task 'no-such-task-v1'.*pusher-v1"):
        mural.MuralEnv("no-such-task-v1")


def test_unregistered_gymnasium_id():
    with pytest.raises(gym.error.Error):
        gym.make("mural/no-such-task-v1")


@pytest.mark.parametrize("action, message", [
    (np.zeros(3, np.float32), r"shape \(3,\), expected \(2,\)"),
    (np.zeros((1, 2), np.float32), r"shape \(1, 2\), expected \(2,\)"),
    (np.array(["a", "b"]), r"dtype <U1"),
    (np.array([1 + 1j, 0]), r"dtype complex128"),
    (np.array([True, False]), r"dtype bool"),
])
def test_action_of_wrong_shape_or_dtype(action, message):
    env = mural.MuralEnv("pusher-v1")
    env.reset(seed=0)
    with pytest.raises(mural.InvalidArgumentError, match=message):
        env.step(action)
    env.step(np.zeros(2))  # float64 is fine, and the environment still works


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_actions(bad):
    env = mural.MuralEnv("door-v1")
    env.reset(seed=0)
    with pytest.raises(mural.InvalidArgumentError, match=r"action component 1 is .*actions must be finite"):
        env.step(np.array([0, bad, 0], np.float32))


def test_stepping_a_closed_environment():
    env = mural.MuralEnv("pusher-v1")
    env.reset(seed=0)
    env.close()
    env.close()  # closing twice is allowed
    with pytest.raises(mural.ClosedError, match="closed"):
        env.step(np.zeros(2, np.float32))
    with pytest.raises(mural.ClosedError, match="closed"):
        env.reset(seed=0)


def test_stepping_before_reset():
    env = mural.MuralEnv("pusher-v1")
    with pytest.raises(mural.EpisodeStateError, match="reset"):
        env.step(np.zeros(2, np.float32))


def test_stepping_an_ended_episode():
    env = mural.MuralEnv(REPOSITORY / "Tasks" / "pusher-v1.yaml")
    env.reset(seed=0)
    for _ in range(env.horizon):
        env.step(np.zeros(2, np.float32))
    with pytest.raises(mural.EpisodeStateError, match="ended at step 100"):
        env.step(np.zeros(2, np.float32))


def test_broken_task_files(tmp_path):
    good = (REPOSITORY / "Tasks" / "door-v1.yaml").read_text()
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("id: [unclosed\n")
    with pytest.raises(mural.TaskFileError, match=r"invalid\.yaml: not valid YAML"):
        mural.MuralEnv(invalid)
    unknown_key = tmp_path / "door-v1.yaml"
    unknown_key.write_text(good + "\ncolour_of_sky: blue\n")
    with pytest.raises(mural.TaskFileError, match=r"door-v1\.yaml.*colour_of_sky"):
        mural.MuralEnv(unknown_key)
    with pytest.raises(mural.TaskFileError, match=r"missing\.yaml: no such task file"):
        mural.MuralEnv(tmp_path / "missing.yaml")


def test_bad_seeds_and_sizes():
    env = mural.MuralEnv("pusher-v1", render_mode="rgb_array", width=0, height=10)
    with pytest.raises(mural.InvalidArgumentError, match="seed"):
        env.reset(seed=-1)
    env.reset(seed=0)
    with pytest.raises(mural.InvalidArgumentError, match="image size"):
        env.render()
    with pytest.raises(mural.InvalidArgumentError, match="render_mode"):
        mural.MuralEnv("pusher-v1", render_mode="human")


def test_vector_environment_errors():
    vec = mural.MuralVectorEnv("pusher-v1", num_envs=3)
    vec.reset(seed=0)
    with pytest.raises(mural.InvalidArgumentError, match=r"shape \(2, 2\), expected \(3, 2\)"):
        vec.step(np.zeros((2, 2), np.float32))
    actions = np.zeros((3, 2), np.float32)
    actions[2, 0] = np.nan
    with pytest.raises(mural.InvalidArgumentError, match="action component 0 is nan"):
        vec.step(actions)
    vec.close()
    with pytest.raises(mural.ClosedError):
        vec.step(np.zeros((3, 2), np.float32))


def test_reward_model_errors():
    with pytest.raises(mural.InvalidArgumentError, match="no setting 'hidden_sise'.*hidden_size"):
        mural.rewards.MetaNML("maze-zigzag-v1", hidden_sise=8)
    with pytest.raises(mural.InvalidArgumentError, match="preset"):
        mural.rewards.MetaNML("maze-zigzag-v1", preset="huge")
    model = mural.rewards.Count("maze-zigzag-v1")
    with pytest.raises(mural.InvalidArgumentError, match=r"shape \(4, 3\); expected \(N, 2\)"):
        model.reward(np.zeros((4, 3)))
    with pytest.raises(mural.InvalidArgumentError, match="row 1 holds a non-finite value"):
        model.update(np.zeros((2, 2)), np.array([[0, 0], [np.nan, 0]]))
    with pytest.raises(mural.InvalidArgumentError, match="at least one success example"):
        model.update(np.zeros((0, 2)), np.zeros((3, 2)))
    model.close()
    with pytest.raises(mural.ClosedError):
        model.reward(np.zeros((1, 2)))


def test_threads_sharing_an_environment_and_a_model():
    """ctypes releases the GIL during calls: the library serialises calls on one object."""
    import threading

    env = mural.MuralEnv("pusher-v1")
    env.reset(seed=0)
    model = mural.rewards.Count("pusher-v1")
    failures = []

    def work():
        try:
            for i in range(200):
                try:
                    env.step(np.zeros(2, np.float32))
                except mural.EpisodeStateError:
                    env.reset(seed=i)
                model.update(np.zeros((1, 5)), np.ones((3, 5)))
                model.reward(np.ones((5, 5)))
        except Exception as error:  # reported below, with the thread's error
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    assert model.configuration["updates_completed"] == 800
