"""PyTorch 1.13.1 peer of the C# UNet training-step benchmark (environment/bench.sh runs both).

The network, batch, optimizer and loss are the same as in UNet.cs / Program.cs: a small DDPM UNet on
28x28x1 images (channels 32/64/128, two downsamples, GroupNorm(8) + SiLU ResBlocks with a time-embedding
projection, concatenated skips, nearest upsampling + conv), batch 128, Adam(lr=2e-4), MSE on the noise.
Prints per-step times in milliseconds and a final machine-readable line.
"""
import argparse
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim):
    """DDPM's sinusoidal embedding: [sin(t w_i), cos(t w_i)], w_i = exp(-ln(10000) i / (dim/2 - 1))."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / (half - 1))
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(tdim, cout)
        self.norm2 = nn.GroupNorm(8, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(temb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class Upsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class UNet(nn.Module):
    def __init__(self, ch=(32, 64, 128), tdim=32):
        super().__init__()
        self.tdim = tdim
        self.time_mlp = nn.Sequential(nn.Linear(ch[0], tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.inc = nn.Conv2d(1, ch[0], 3, padding=1)
        self.down0 = ResBlock(ch[0], ch[0], tdim)
        self.pool0 = nn.Conv2d(ch[0], ch[0], 3, stride=2, padding=1)   # 28 -> 14
        self.down1 = ResBlock(ch[0], ch[1], tdim)
        self.pool1 = nn.Conv2d(ch[1], ch[1], 3, stride=2, padding=1)   # 14 -> 7
        self.down2 = ResBlock(ch[1], ch[2], tdim)
        self.mid = ResBlock(ch[2], ch[2], tdim)
        self.up2 = ResBlock(ch[2] + ch[2], ch[1], tdim)
        self.upsample1 = Upsample(ch[1])                               # 7 -> 14
        self.up1 = ResBlock(ch[1] + ch[1], ch[0], tdim)
        self.upsample0 = Upsample(ch[0])                               # 14 -> 28
        self.up0 = ResBlock(ch[0] + ch[0], ch[0], tdim)
        self.out_norm = nn.GroupNorm(8, ch[0])
        self.out_conv = nn.Conv2d(ch[0], 1, 3, padding=1)
        self.ch0 = ch[0]

    def forward(self, x, t):
        temb = F.silu(self.time_mlp(timestep_embedding(t, self.ch0)))
        h0 = self.down0(self.inc(x), temb)                # 32 x 28
        h1 = self.down1(self.pool0(h0), temb)             # 64 x 14
        h2 = self.down2(self.pool1(h1), temb)             # 128 x 7
        h = self.mid(h2, temb)
        h = self.up2(torch.cat([h, h2], dim=1), temb)     # 64 x 7
        h = self.up1(torch.cat([self.upsample1(h), h1], dim=1), temb)  # 32 x 14
        h = self.up0(torch.cat([self.upsample0(h), h0], dim=1), temb)  # 32 x 28
        return self.out_conv(F.silu(self.out_norm(h)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--params-only", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = UNet()
    n = sum(p.numel() for p in model.parameters())
    print(f"pytorch {torch.__version__}: UNet parameters {n}, threads {torch.get_num_threads()}", flush=True)
    if a.params_only:
        return
    opt = torch.optim.Adam(model.parameters(), lr=2e-4)
    T = 1000
    betas = torch.linspace(1e-4, 0.02, T)
    abar = torch.cumprod(1 - betas, 0)
    x0 = torch.rand(a.batch, 1, 28, 28) * 2 - 1

    def train_step():
        t = torch.randint(0, T, (a.batch,))
        eps = torch.randn_like(x0)
        ab = abar[t][:, None, None, None]
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        loss = F.mse_loss(model(xt, t), eps)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    def forward_only():
        with torch.no_grad():
            t = torch.randint(0, T, (a.batch,))
            return model(x0, t).sum().item()

    for _ in range(a.warmup):
        train_step()
    train = []
    for i in range(a.steps):
        s = time.perf_counter()
        loss = train_step()
        train.append((time.perf_counter() - s) * 1000)
        print(f"pytorch train step {i}: {train[-1]:.1f} ms (loss {loss:.4f})", flush=True)
    forward_only()
    fwd = []
    for i in range(a.steps):
        s = time.perf_counter()
        forward_only()
        fwd.append((time.perf_counter() - s) * 1000)
    print(f"pytorch forward (no grad): " + " ".join(f"{v:.1f}" for v in fwd) + " ms", flush=True)
    med = lambda v: sorted(v)[len(v) // 2]
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # kilobytes on Linux
    print(f"RESULT pytorch train_ms={med(train):.3f} forward_ms={med(fwd):.3f} train_min_ms={min(train):.3f} forward_min_ms={min(fwd):.3f} "
          f"params={n} peak_rss_mb={peak_rss_mb:.0f}", flush=True)


if __name__ == "__main__":
    main()
