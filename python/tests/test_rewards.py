"""MURAL's reward models from Python, and the wrapper that trains an agent on them."""

import gymnasium as gym
import numpy as np

import mural
from conftest import STRICT_WARNINGS

pytestmark = STRICT_WARNINGS


def test_learned_reward_wrapper_scores_visited_states_and_updates():
    env = mural.LearnedReward(gym.make("mural/maze-zigzag-v1"), mural.rewards.Count("maze-zigzag-v1"),
                              update_every=50, example_count=20)
    env.reset(seed=0)
    env.action_space.seed(0)  # an unseeded sample could wander 120 steps without revisiting a cell
    rewards = []
    for step in range(120):
        _, reward, terminated, truncated, info = env.step(env.action_space.sample())
        rewards.append(reward)
        if terminated or truncated:
            env.reset()
        assert info["task_reward"] in (0.0, 1.0)
    assert env.updates == 2 and env.visited.shape == (120, 2)
    # The count bonus falls as cells are revisited: the agent's first state was new.
    assert rewards[0] == -1 + 1.0 and min(rewards) < rewards[0]


def test_metanml_rewards_stay_uncertain_away_from_the_data():
    """Meta-NML's reward is a normalised probability in [0, 1], high near the examples."""
    task = "maze-zigzag-v1"
    positives = mural.examples(task, count=50, seed=0).features
    negatives = np.random.default_rng(0).uniform(0, 1, size=(200, 2)).astype(np.float32)
    model = mural.rewards.MetaNML(task, seed=0, hidden_size=16, initial_meta_epochs=2, query_pool_negatives=16,
                                  test_pool_negatives=128, test_pool_positives=128, outer_positives=64,
                                  outer_negatives=64, finetuning_negatives=128, finetuning_positives=128)
    summary = model.update(positives, negatives)
    assert summary["optimizer_steps"] > 0 and np.isfinite(summary["mean_loss"])
    rewards = model.reward(np.concatenate([positives[:5], negatives[:5]]))
    assert np.all((rewards >= 0) & (rewards <= 1)), rewards
    assert rewards[:5].mean() > rewards[5:].mean(), f"examples scored {rewards[:5]}, visited states {rewards[5:]}"
    assert model.configuration["updates_completed"] == 1
