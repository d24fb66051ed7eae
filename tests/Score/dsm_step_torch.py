"""The PyTorch 1.13.1 peer of the DSM step-time measurement (tests/Score/DsmStepTimeTests.cs).

The same denoising-score-matching step as lib/Score/DenoisingScoreMatching.cs Train, on the same network as
tests/Score/SwissRollMlp.cs (an MLP 2-128-128-2 with SiLU, s(x, sigma) = f(x) / sigma), batch 512, Adam, one thread:
draw the rows, sigma (log-uniform in [0.01, 1]) and z from one generator, loss = 1/2 mean_b |sigma s(x + sigma z, sigma) + z|^2,
set the cosine learning rate, zero_grad, backward, step, read the loss. Prints ms per step for each of several runs.

Run: /usr/bin/python3 tests/Score/dsm_step_torch.py [runs] [timed steps]
"""
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
TIMED = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
WARM, BATCH, N = 200, 512, 10000
SIGMA_MIN, SIGMA_MAX = 0.01, 1.0


class SwissRollMlp(nn.Module):
    def __init__(self, dim=2, width=128):
        super().__init__()
        self.inp = nn.Linear(dim, width)
        self.hidden = nn.Linear(width, width)
        self.out = nn.Linear(width, dim)

    def forward(self, x, sigma):
        h = F.silu(self.inp(x))
        h = F.silu(self.hidden(h))
        return self.out(h) / sigma.unsqueeze(1)


def swiss_roll(n, noise=0.5, seed=1, scale=10.0):
    g = torch.Generator().manual_seed(seed)
    t = 1.5 * math.pi * (1 + 2 * torch.rand(n, generator=g, dtype=torch.float64))
    x = t * torch.cos(t) + noise * torch.randn(n, generator=g, dtype=torch.float64)
    y = t * torch.sin(t) + noise * torch.randn(n, generator=g, dtype=torch.float64)
    return (torch.stack([x, y], 1) / scale).float()


def run(rep):
    torch.manual_seed(rep)
    data = swiss_roll(N)
    model = SwissRollMlp()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(rep)
    log_ratio, log_min = math.log(SIGMA_MAX / SIGMA_MIN), math.log(SIGMA_MIN)
    steps = WARM + TIMED
    model.train()
    start = None
    for k in range(steps):
        if k == WARM:
            start = time.perf_counter()
        idx = torch.randint(0, N, (BATCH,), generator=g)
        x = data.index_select(0, idx)
        sigma = (torch.rand(BATCH, generator=g) * log_ratio + log_min).exp()
        z = torch.randn(BATCH, 2, generator=g)
        s = sigma.unsqueeze(1)
        predicted = model(torch.addcmul(x, s, z), sigma)
        residual = torch.addcmul(z, s, predicted)
        loss = residual.square().sum() * (0.5 / BATCH)
        opt.param_groups[0]["lr"] = 1e-3 * 0.5 * (1 + math.cos(math.pi * k / steps))
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
    return (time.perf_counter() - start) * 1000 / TIMED


print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s)")
times = []
for rep in range(RUNS):
    ms = run(rep)
    times.append(ms)
    print(f"rep {rep}: {ms:.3f} ms/step")
times.sort()
print(f"PyTorch DSM step (2-128-128-2, batch 512, Adam, 1 thread): median {times[len(times) // 2]:.3f} ms, min {times[0]:.3f} ms")
