#!/usr/bin/python3
"""PyTorch baseline for prefstream's model benchmark: a DPO training step and KV-cache
generation on a GPT-2-style model, per size, each size in its own process (so peak RSS is that
size's own), on 2 threads with the BLAS recorded.

    /usr/bin/python3 tools/bench/src/torch/dpo_step.py            # all sizes → tools/bench/results/model-torch.json
    /usr/bin/python3 tools/bench/src/torch/dpo_step.py --quick    # tiny only, few steps, nothing written
"""
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

# The bench machines are shared 2-core VMs with other jobs running: OpenMP's default busy-wait of
# idle workers then steals the core the other worker needs (measured 2026-11-28 at load ~15: tiny
# DPO 470 tok/s active vs 3,800 passive). Passive waiting must be chosen before libgomp loads
# (at `import torch`); set OMP_WAIT_POLICY=ACTIVE explicitly to measure the default on a quiet machine.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt_model import GPT, completion_logps, generate  # noqa: E402

CONFIGS = {
    "tiny": dict(vocab=256, d=64, layers=2, heads=2, T=64, B=8),
    "small": dict(vocab=512, d=128, layers=4, heads=4, T=128, B=8),
    "medium": dict(vocab=2048, d=256, layers=4, heads=8, T=128, B=8),
}
STEPS = {"tiny": 20, "small": 10, "medium": 6}
THREADS = 2
BETA = 0.1
RESULTS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "results", "model-torch.json"))


def loaded_blas():
    """The BLAS/LAPACK shared objects this process actually mapped (not what torch was built against)."""
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "blas" in line.lower() or "lapack" in line.lower()}
    return sorted(os.path.realpath(p) for p in paths if p.startswith("/"))


def matmul_gflops(n=512, reps=50):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(5):
        a @ b
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    return 2 * n ** 3 * reps / (time.perf_counter() - t0) / 1e9


def dpo_step(policy, reference, opt, chosen, rejected, mask):
    """One DPO (sigmoid) step: policy with grad and reference without, on chosen + rejected."""
    ids = torch.cat((chosen, rejected))  # (2B, T)
    m = torch.cat((mask, mask))
    with torch.no_grad():
        ref = completion_logps(reference, ids, m)
    pol = completion_logps(policy, ids, m)
    B = chosen.shape[0]
    margin = BETA * ((pol[:B] - ref[:B]) - (pol[B:] - ref[B:]))
    loss = -F.logsigmoid(margin).mean()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.item()


def run_config(name, quick):
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    c = CONFIGS[name]
    V, T, B = c["vocab"], c["T"], c["B"]
    policy = GPT(V, c["d"], c["layers"], c["heads"], T)
    reference = GPT(V, c["d"], c["layers"], c["heads"], T).requires_grad_(False)
    reference.load_state_dict(policy.state_dict())
    opt = torch.optim.AdamW(policy.parameters(), lr=1e-4)
    g = torch.Generator().manual_seed(1)
    chosen, rejected = torch.randint(0, V, (B, T), generator=g), torch.randint(0, V, (B, T), generator=g)
    mask = torch.zeros(B, T)
    mask[:, T // 2:] = 1  # first half prompt, second half completion
    steps = 3 if quick else STEPS[name]
    for _ in range(2):  # warm-up: allocator, OpenMP pool
        dpo_step(policy, reference, opt, chosen, rejected, mask)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        dpo_step(policy, reference, opt, chosen, rejected, mask)
        times.append(time.perf_counter() - t0)
    step_s, best_s = statistics.median(times), min(times)
    dpo_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB → MiB on Linux
    gen = {}
    new_tokens = 8 if quick else T // 2
    for batch in (1, 16):
        prompt = torch.randint(0, V, (batch, T // 4), generator=g)
        generate(policy, prompt, 4, g)  # warm-up
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            generate(policy, prompt, new_tokens, g)
            runs.append(time.perf_counter() - t0)
        gen[f"batch{batch}"] = {"new_tokens_per_s": round(batch * new_tokens / statistics.median(runs), 1),
                                "new_tokens_per_s_best": round(batch * new_tokens / min(runs), 1),
                                "prompt_tokens": T // 4, "new_tokens": new_tokens, "runs": 3}
    return {
        "matmul_512_gflops": round(matmul_gflops(), 1),
        "config": c, "parameters": sum(p.numel() for p in policy.parameters()),
        "dpo_step": {"tokens_per_step": 2 * B * T, "median_step_s": round(step_s, 5),
                     "tokens_per_s": round(2 * B * T / step_s, 1), "steps_timed": steps,
                     "best_step_s": round(best_s, 5), "tokens_per_s_best": round(2 * B * T / best_s, 1),
                     "peak_rss_mib": round(dpo_rss, 1)},
        "generate": gen,
        "peak_rss_mib_after_generate": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv):
    quick = "--quick" in argv
    if "--child" in argv:
        torch.set_num_threads(THREADS)
        print(json.dumps(run_config(argv[argv.index("--child") + 1], quick)))
        return 0
    torch.set_num_threads(THREADS)
    result = {
        "benchmark": "model-torch", "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "torch": torch.__version__, "python": platform.python_version(), "threads": THREADS,
        "blas_loaded": None, "matmul_512_gflops": round(matmul_gflops(), 1),
        "definition": "tokens_per_s = 2·B·T / median step (chosen + rejected through the policy with grad; "
                      "the reference forward without grad, the loss, backward and AdamW are inside the step)",
        "note": "shared 2-core machine with other jobs running (see load_average_*): medians are inflated by "
                "contention; *_best (fastest step / run) is the less disturbed figure",
        "omp_env": {k: v for k, v in os.environ.items() if k.startswith("OMP_") or k.startswith("OPENBLAS_")},
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "configs": {},
    }
    result["blas_loaded"] = loaded_blas()
    for name in (["tiny"] if quick else CONFIGS):
        cmd = [sys.executable, os.path.abspath(__file__), "--child", name] + (["--quick"] if quick else [])
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        result["configs"][name] = json.loads(out.strip().splitlines()[-1])
        r = result["configs"][name]
        print(f"{name}: DPO {r['dpo_step']['tokens_per_s']:.0f} tok/s, peak RSS {r['dpo_step']['peak_rss_mib']:.0f} MiB, "
              f"generate b1 {r['generate']['batch1']['new_tokens_per_s']:.0f} / b16 {r['generate']['batch16']['new_tokens_per_s']:.0f} new tok/s",
              flush=True)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(f"BLAS: {', '.join(result['blas_loaded'])}; matmul 512: {result['matmul_512_gflops']} GFLOP/s")
    if not quick:
        os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
        with open(RESULTS, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
        print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
