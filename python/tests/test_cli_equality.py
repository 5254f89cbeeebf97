"""The same numbers in Python as in the `mural` command, run live side by side."""

import json

import numpy as np
import pytest

import mural
from conftest import STRICT_WARNINGS, TASK_IDS, save_npy
from pngread import read_rgb

pytestmark = STRICT_WARNINGS


@pytest.mark.parametrize("task", TASK_IDS)
def test_observations_equal_mural_rollout(task, cli, tmp_path):
    env = mural.MuralEnv(task)
    rng = np.random.default_rng(7)
    actions = rng.uniform(-1.2, 1.2, size=(40, env.action_space.shape[0])).astype(np.float32)  # some get clipped
    seed = 123456789
    cli("rollout", "--task", task, "--seed", seed, "--actions", save_npy(tmp_path / "a.npy", actions),
        "--out", tmp_path / "o.npy")
    expected = np.load(tmp_path / "o.npy")
    observations = [env.reset(seed=seed)[0]] + [env.step(a)[0] for a in actions]
    np.testing.assert_array_equal(np.stack(observations), expected,
                                  err_msg=f"{task}: Python and `mural rollout` observations differ")


@pytest.mark.parametrize("task", ["door-v1", "maze-spiral-v3"])
def test_render_equals_mural_frames(task, cli, tmp_path):
    env = mural.MuralEnv(task, render_mode="rgb_array", width=96, height=72)
    actions = np.random.default_rng(1).uniform(-1, 1, size=(3, env.action_space.shape[0])).astype(np.float32)
    cli("rollout", "--task", task, "--seed", 5, "--actions", save_npy(tmp_path / "a.npy", actions),
        "--out", tmp_path / "o.npy", "--frames", tmp_path / "frames", "--width", 96, "--height", 72)
    env.reset(seed=5)
    frames = [env.render()]
    for a in actions:
        env.step(a)
        frames.append(env.render())
    for i, frame in enumerate(frames):
        expected = read_rgb(tmp_path / "frames" / f"frame_{i:04d}.png")
        assert np.array_equal(frame, expected), (
            f"{task} frame {i}: {np.count_nonzero(frame != expected)} of {frame.size} bytes differ from `mural rollout --frames`")


@pytest.mark.parametrize("task, strategy", [("pusher-v1", "teleport"), ("maze-zigzag-v1", "teleport"),
                                            ("door-v1", "teleport"), ("maze-zigzag-v1", "expert")])
def test_examples_equal_mural_examples(task, strategy, cli, tmp_path):
    out = tmp_path / "examples.npy"
    cli("examples", "--task", task, "--count", 12, "--seed", 31, "--strategy", strategy, "--out", out)
    result = mural.examples(task, count=12, seed=31, strategy=strategy)
    expected_features = np.load(out)
    expected_observations = np.load(tmp_path / "examples.observations.npy")
    assert result.features.dtype == expected_features.dtype == np.float32
    np.testing.assert_array_equal(result.features, expected_features)
    np.testing.assert_array_equal(result.observations, expected_observations)
    sidecar = json.loads((tmp_path / "examples.json").read_text())
    assert result.feature_names == sidecar["feature_names"]
    assert result.observation_names == sidecar["observation_names"]


# Small models keep the test quick; the settings travel the same way as the defaults.
SMALL = {
    "metanml": {"hidden_size": 16, "initial_meta_epochs": 1, "query_pool_negatives": 8, "test_pool_negatives": 64,
                "test_pool_positives": 64, "outer_positives": 32, "outer_negatives": 32, "points_per_task": 16,
                "finetuning_negatives": 64, "finetuning_positives": 64},
    "vice": {"hidden_sizes": [32, 32], "initial_updates": 20, "updates_per_epoch": 5},
    "count": {"bins_per_dimension": 7},
}
MODELS = {"metanml": mural.rewards.MetaNML, "vice": mural.rewards.VICE, "count": mural.rewards.Count}


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_reward_models_equal_mural_rewards(kind, cli, tmp_path):
    task = "maze-zigzag-v1"
    rng = np.random.default_rng(3)
    positives = mural.examples(task, count=40, seed=2).features
    negatives = rng.uniform(-2, 10, size=(300, 2)).astype(np.float32)
    states = rng.uniform(-2, 10, size=(50, 2)).astype(np.float32)
    cli("rewards", "--task", task, "--reward", kind, "--settings", json.dumps(SMALL[kind]), "--seed", 17, "--updates", 2,
        "--positives", save_npy(tmp_path / "p.npy", positives), "--negatives", save_npy(tmp_path / "n.npy", negatives),
        "--states", save_npy(tmp_path / "s.npy", states), "--out", tmp_path / "r.npy")
    expected = np.load(tmp_path / "r.npy")[:, 0]
    model = MODELS[kind](task, seed=17, **SMALL[kind])
    for _ in range(2):
        model.update(positives, negatives)
    rewards = model.reward(states)
    np.testing.assert_array_equal(rewards, expected, err_msg=f"{kind}: Python and `mural rewards` differ")
    assert np.ptp(rewards) > 0, f"{kind}: every state got the same reward"
