"""PyTorch 1.13.1 peer of the C# sampling benchmark (environment/bench-sampling.sh runs both).

The UNet is lib/Models/UNet.cs's mnist-small (ddpm_unet.py, 1,623,169 parameters) with PyTorch's default
initialisation (the time does not depend on the weights), in eval mode under no_grad. Two loops over a batch of
samples from x_T ~ N(0, I), each step one network evaluation and the sampler's update, written as in
lib/Diffusion/DdpmSampler.cs (ancestral, fixed-large variance, x0 clipped) and DdimSampler.cs (eta = 0,
"leading" spacing):
  ddpm: 1000 steps; with --ddpm-steps K < 1000 only the first K of them are timed and the time is scaled by 1000/K;
  ddim: --ddim-steps steps (50).
Prints per-loop seconds and a final machine-readable line.
"""
import argparse
import math
import time

import torch

from ddpm_unet import UNet

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
    p.add_argument("--ddpm-steps", type=int, default=T, help="time the first K of the 1000 DDPM steps and scale by 1000/K")
    p.add_argument("--ddim-steps", type=int, default=50)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = UNet().eval()
    params = sum(q.numel() for q in model.parameters())
    print(f"pytorch {torch.__version__}: UNet parameters {params}, threads {torch.get_num_threads()}, batch {a.batch}")
    betas, abar = schedule()
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        x = torch.randn(a.batch, 1, 28, 28, generator=gen)
        model(x, torch.full((a.batch,), 500, dtype=torch.int64))  # warm-up
        start = time.perf_counter()
        for t in range(T - 1, T - 1 - a.ddpm_steps, -1):
            eps = model(x, torch.full((a.batch,), t, dtype=torch.int64))
            x = ddpm_step(eps, t, x, betas, abar, gen)
        ddpm = (time.perf_counter() - start) * T / a.ddpm_steps
        print(f"pytorch ddpm: {a.ddpm_steps} of {T} steps timed, {ddpm:.2f} s for {T} steps" + ("" if a.ddpm_steps == T else " (extrapolated)"))
        stride = T // a.ddim_steps
        steps = [i * stride for i in range(a.ddim_steps)][::-1]
        x = torch.randn(a.batch, 1, 28, 28, generator=gen)
        start = time.perf_counter()
        for i, t in enumerate(steps):
            eps = model(x, torch.full((a.batch,), t, dtype=torch.int64))
            x = ddim_step(eps, t, steps[i + 1] if i + 1 < len(steps) else -1, x, abar)
        ddim = time.perf_counter() - start
        print(f"pytorch ddim: {a.ddim_steps} steps, {ddim:.2f} s")
    print(f"RESULT pytorch ddpm_s={ddpm:.3f} ddim_s={ddim:.3f} params={params} finite={int(torch.isfinite(x).all())}")


if __name__ == "__main__":
    main()
