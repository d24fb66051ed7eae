"""PyTorch 1.13.1 peer of the C# DPS benchmark (environment/bench-dps.sh runs both).

The UNet is lib/Models/UNet.cs's mnist-small (ddpm_unet.py) with PyTorch's default initialisation, in eval mode.
The loop is lib/Inverse/Dps.cs's: K steps respaced over the 1000 (linspace from 999 to 0, rounded), at each step
x_t requires grad, eps = model(x_t, t), x0 = ((x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)).clamp(-1, 1), the per-image
residual norms ||y_b - M x0_b|| summed and differentiated w.r.t. x_t, the ancestral step (fixed-large variance, from t to
the next timestep s), and x_s = x'_s - zeta * grad. Box inpainting: a centred 14x14 box hidden, sigma_y = 0.05, zeta 0.5.
Prints the seconds per image scaled to 1000 steps and a final machine-readable line.
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


def timesteps(count):
    if count == 1:
        return [T - 1]
    return [int(round((T - 1) * (1 - i / (count - 1)))) for i in range(count)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--steps", type=int, default=50)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = UNet().eval()
    params = sum(q.numel() for q in model.parameters())
    print(f"pytorch {torch.__version__}: UNet parameters {params}, threads {torch.get_num_threads()}, batch {a.batch}, DPS {a.steps} of {T} steps")
    betas, abar = schedule()
    gen = torch.Generator().manual_seed(1)
    mask = torch.ones(1, 1, 28, 28)
    mask[..., 7:21, 7:21] = 0
    x0 = torch.rand(a.batch, 1, 28, 28, generator=gen) * 2 - 1
    y = mask * x0 + 0.05 * torch.randn(x0.shape, generator=gen)
    zeta = 0.5

    def guidance(x, t):
        xt = x.detach().requires_grad_(True)
        eps = model(xt, torch.full((a.batch,), t, dtype=torch.int64))
        ab = abar[t]
        x0_hat = ((xt - eps * math.sqrt(1 - ab)) * (1 / math.sqrt(ab))).clamp(-1, 1)
        norms = (y - mask * x0_hat).flatten(1).norm(dim=1)
        grad, = torch.autograd.grad(norms.sum(), xt)
        return grad, x0_hat.detach()

    guidance(torch.randn(a.batch, 1, 28, 28, generator=gen), 500)  # warm-up
    steps = timesteps(a.steps)
    start = time.perf_counter()
    x = torch.randn(a.batch, 1, 28, 28, generator=gen)
    for i, t in enumerate(steps):
        s = steps[i + 1] if i + 1 < len(steps) else -1
        grad, x0_hat = guidance(x, t)
        with torch.no_grad():
            ab, ab_prev = abar[t], (abar[s] if s >= 0 else 1.0)
            beta = betas[t] if s == t - 1 else 1 - ab / ab_prev
            mean = x0_hat * (beta * math.sqrt(ab_prev) / (1 - ab)) + x * ((1 - ab_prev) * math.sqrt(1 - beta) / (1 - ab))
            prime = mean if s < 0 else mean + torch.randn(x.shape, generator=gen) * math.sqrt(beta)
            x = prime - zeta * grad
    seconds = time.perf_counter() - start
    per_image = seconds / a.batch * T / a.steps
    print(f"pytorch dps: {a.steps} steps, batch {a.batch}: {seconds:.2f} s, {1000 * seconds / a.steps / a.batch:.1f} ms per step per image, {per_image:.1f} s per image for {T} steps")
    print(f"RESULT pytorch dps_s={per_image:.3f} params={params} finite={int(torch.isfinite(x).all())}")


if __name__ == "__main__":
    main()
