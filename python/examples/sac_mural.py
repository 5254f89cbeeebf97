"""Stable-Baselines3's SAC on a Mural task, rewarded only by MURAL's meta-NML classifier.

    pip install ./python stable-baselines3      # stable-baselines3 brings torch
    python python/examples/sac_mural.py --task maze-zigzag-v1 --steps 30000

The agent never sees the task's reward: `mural.LearnedReward` replaces it with meta-NML's,
learned from 200 success examples against the states the agent visits and updated every
1000 steps, with rewards fixed when a state is reached (MURAL's scheme, as `mural train
--reward metanml` runs it). Every --eval-every steps the deterministic policy is evaluated on
the task's own success predicate. `--reward vice` or `count` swaps the model.
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import SAC

import mural

MODELS = {"metanml": mural.rewards.MetaNML, "vice": mural.rewards.VICE, "count": mural.rewards.Count}


def evaluate(model: SAC, task: str, episodes: int, seed: int) -> float:
    """Fraction of episodes that reach success at any step."""
    env = gym.make(f"mural/{task}")
    successes = 0
    for episode in range(episodes):
        observation, _ = env.reset(seed=seed + episode)
        done, success = False, False
        while not done:
            action, _ = model.predict(observation, deterministic=True)
            observation, _, terminated, truncated, info = env.step(action)
            success |= info["is_success"]
            done = terminated or truncated
        successes += success
    env.close()
    return successes / episodes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="maze-zigzag-v1")
    parser.add_argument("--reward", choices=sorted(MODELS), default="metanml")
    parser.add_argument("--steps", type=int, default=30_000)
    parser.add_argument("--eval-every", type=int, default=5_000)
    parser.add_argument("--eval-episodes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (one: 256-wide layers gain little from more, and runs parallelise as processes)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    model_of_reward = MODELS[args.reward](args.task, seed=args.seed)
    env = mural.LearnedReward(gym.make(f"mural/{args.task}"), model_of_reward, update_every=1000, seed=args.seed)
    env.reset(seed=args.seed)
    agent = SAC("MlpPolicy", env, learning_rate=3e-4, buffer_size=1_000_000, batch_size=256, learning_starts=1000,
                policy_kwargs={"net_arch": [256, 256]}, seed=args.seed, device="cpu", verbose=0)
    start, cpu = time.perf_counter(), time.process_time()
    print(f"SAC on {args.task} with the {args.reward} reward (seed {args.seed})")
    # CPU seconds too: on a shared machine the wall clock counts other processes' turns.
    print("steps  eval success  reward updates  wall s   CPU s  steps/CPU s")
    for done in range(args.eval_every, args.steps + 1, args.eval_every):
        agent.learn(total_timesteps=args.eval_every, reset_num_timesteps=False)
        success = evaluate(agent, args.task, args.eval_episodes, seed=10_000)
        wall, used = time.perf_counter() - start, time.process_time() - cpu
        print(f"{done:>5}  {success:>12.2f}  {env.updates:>14}  {wall:>6.0f}  {used:>6.0f}  {done / used:>11.0f}", flush=True)
    np.save(f"visited-{args.task}-{args.reward}-{args.seed}.npy", env.visited)


if __name__ == "__main__":
    main()
