"""Steps per second through Gymnasium, measured side by side in one process.

    python -m mural.bench [--seconds 3] [--num-envs 64] [--json]

Measures ``env.step`` of ``gymnasium.make("mural/<task>")`` (with Gymnasium's default
wrappers), the same for Meta-World's ``push-v3`` when ``metaworld`` is installed, and
``gymnasium.make_vec("mural/pusher-v1", vectorization_mode="vector_entry_point")`` against
``SyncVectorEnv`` over the same tasks. Every loop steps pre-drawn random actions and resets
at episode ends, so policy cost is left out. Pass ``--cpu K`` to pin the process to one core.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings

import gymnasium as gym
import numpy as np

import mural


def _rate(step, reset, seconds: float, batch: int = 1) -> dict:
    """Environment steps per second of `step` over about `seconds` of CPU time, after a short
    warm-up: per CPU second (what one dedicated core sustains; on a shared machine the wall
    clock also counts other processes' turns) and per wall second."""
    reset()
    for _ in range(50):
        step()
    count, cpu, wall = 0, time.process_time(), time.perf_counter()
    while True:
        for _ in range(100):
            step()
        count += 100
        used = time.process_time() - cpu
        if used >= seconds:
            return {"cpu": count * batch / used, "wall": count * batch / (time.perf_counter() - wall)}


def single(env: gym.Env, seconds: float) -> dict:
    actions = np.random.default_rng(0).uniform(-1, 1, size=(1024, *env.action_space.shape)).astype(np.float32)
    state = {"i": 0}

    def step():
        state["i"] += 1
        _, _, terminated, truncated, _ = env.step(actions[state["i"] % 1024])
        if terminated or truncated:
            env.reset()

    return _rate(step, lambda: env.reset(seed=0), seconds)


def vector(env, seconds: float) -> dict:
    actions = np.random.default_rng(0).uniform(-1, 1, size=(64, *env.action_space.shape)).astype(np.float32)
    state = {"i": 0}

    def step():
        state["i"] += 1
        env.step(actions[state["i"] % 64])  # autoreset: no resets to call

    return _rate(step, lambda: env.reset(seed=0), seconds, batch=env.num_envs)


def metaworld_push(seconds: float) -> tuple[dict | None, str]:
    try:
        import metaworld  # noqa: F401  (registers Meta-World/*)
    except Exception as error:  # not installed, or its MuJoCo fails to load
        return None, f"metaworld unavailable: {error}"
    with warnings.catch_warnings():
        # Meta-World's observations leave its own Box; the passive checker says so on every step.
        warnings.simplefilter("ignore")
        env = gym.make("Meta-World/MT1", env_name="push-v3", seed=0)
        rate = single(env, seconds)
    import importlib.metadata as md
    return rate, f"metaworld {md.version('metaworld')}, mujoco {md.version('mujoco')}"


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    import importlib.metadata as md
    return {
        "cpu": model, "cores": os.cpu_count(), "affinity": sorted(os.sched_getaffinity(0)),
        "load_average": os.getloadavg(), "python": platform.python_version(), "numpy": np.__version__,
        "gymnasium": gym.__version__, "mural": md.version("mural"),
        "library": os.environ.get("MURAL_LIBRARY") or "bundled (swift build -c release)",
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m mural.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--num-envs", type=int, default=64, help="environments in the vector measurements")
    parser.add_argument("--cpu", type=int, help="pin the process to this core")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})

    rows = []
    for task in mural.task_ids():
        env = gym.make(f"mural/{task}")
        rows.append({"what": f"gymnasium.make('mural/{task}').step", "steps_per_second": single(env, args.seconds)})
        env.close()
    rate, note = metaworld_push(args.seconds)
    rows.append({"what": "gymnasium.make('Meta-World/MT1', env_name='push-v3').step", "steps_per_second": rate,
                 "note": note})
    n = args.num_envs
    vec = gym.make_vec("mural/pusher-v1", num_envs=n, vectorization_mode="vector_entry_point")
    rows.append({"what": f"make_vec('mural/pusher-v1', {n}, 'vector_entry_point').step", "steps_per_second": vector(vec, args.seconds)})
    vec.close()
    sync = gym.make_vec("mural/pusher-v1", num_envs=n, vectorization_mode="sync")
    rows.append({"what": f"make_vec('mural/pusher-v1', {n}, 'sync').step", "steps_per_second": vector(sync, args.seconds)})
    sync.close()
    report = {"machine": machine(), "seconds_per_measurement": args.seconds, "results": rows}

    if args.json:
        print(json.dumps(report, indent=2))
        return report
    for key, value in report["machine"].items():
        print(f"{key}: {value}")
    print("\n| environment | steps/s (CPU) | steps/s (wall) | vs Meta-World push-v3 (CPU) |\n| --- | ---: | ---: | ---: |")
    for row in rows:
        r = row["steps_per_second"]
        if r is None:
            print(f"| `{row['what']}` | n/a ({row['note']}) | | |")
            continue
        ratio = f"{r['cpu'] / rate['cpu']:.0f}×" if rate else ""
        print(f"| `{row['what']}` | {r['cpu']:,.0f} | {r['wall']:,.0f} | {ratio} |")
    return report


if __name__ == "__main__":
    main()
