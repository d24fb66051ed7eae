"""PyTorch 1.13.1 peer of the C# sampling benchmark (SamplingBench.cs; environment/bench-sampling.sh runs both).

The UNet is lib/Models/UNet.cs's mnist-small (ddpm_unet.py, 1,623,169 parameters) with PyTorch's default
initialisation (the time does not depend on the weights), in eval mode under no_grad, on a batch of 64 samples. Served
over worker.py's line protocol: task "ddim" is one whole DDIM sampling (eta = 0, --ddim-steps steps, "leading" spacing,
as lib/Ddpm/DdimSampler.cs) from x_T ~ N(0, I); task "ddpm-step" one ancestral DDPM step (fixed-large variance, x0
clipped, as DdpmSampler.cs) with t cycling over the 1000 timesteps: DDPM 1000 takes 1000 of them.
"""
import argparse
import math

import torch

from ddpm_unet import UNet
from worker import serve

T = 1000


def schedule():
    betas = [1e-4 + (0.02 - 1e-4) * i / (T - 1) for i in range(T)]
    abar, p = [], 1.0
    for b in betas:
        p *= 1 - b
        abar.append(p)
    return betas, abar


def ddpm_step(eps, t, x, betas, abar, gen):
    s = t - 1
    ab, ab_prev = abar[t], (abar[s] if s >= 0 else 1.0)
    beta = betas[t]
    x0 = ((x - eps * math.sqrt(1 - ab)) * (1 / math.sqrt(ab))).clamp(-1, 1)
    mean = x0 * (beta * math.sqrt(ab_prev) / (1 - ab)) + x * ((1 - ab_prev) * math.sqrt(1 - beta) / (1 - ab))
    if s < 0:
        return mean
    return mean + torch.randn(x.shape, generator=gen) * math.sqrt(beta)


def ddim_step(eps, t, s, x, abar):
    ab, ab_prev = abar[t], (abar[s] if s >= 0 else 1.0)
    x0 = (x - eps * math.sqrt(1 - ab)) * (1 / math.sqrt(ab))
    return x0 * math.sqrt(ab_prev) + eps * math.sqrt(max(0.0, 1 - ab_prev))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--ddim-steps", type=int, default=50)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = UNet().eval()
    params = sum(q.numel() for q in model.parameters())
    betas, abar = schedule()
    gen = torch.Generator().manual_seed(1)
    shape = (a.batch, 1, 28, 28)
    stride = T // a.ddim_steps
    ddim_times = [i * stride for i in range(a.ddim_steps)][::-1]
    state = {"x": torch.randn(shape, generator=gen), "i": 0, "finite": True}

    def ddim():
        with torch.no_grad():
            x = torch.randn(shape, generator=gen)
            for i, t in enumerate(ddim_times):
                eps = model(x, torch.full((a.batch,), t, dtype=torch.int64))
                x = ddim_step(eps, t, ddim_times[i + 1] if i + 1 < len(ddim_times) else -1, x, abar)
            state["finite"] &= bool(torch.isfinite(x).all())

    def ddpm():
        with torch.no_grad():
            t = T - 1 - state["i"] % T
            eps = model(state["x"], torch.full((a.batch,), t, dtype=torch.int64))
            state["x"] = ddpm_step(eps, t, state["x"], betas, abar, gen)
            state["i"] += 1

    serve({"ddim": ddim, "ddpm-step": ddpm},
          f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, UNet mnist-small ({params:,} parameters), batch {a.batch}, DDIM {a.ddim_steps} steps, fp32",
          lambda: {"params": params, "precision": "fp32", "finite": int(state["finite"] and bool(torch.isfinite(state["x"]).all()))})


if __name__ == "__main__":
    main()
