"""PyTorch 1.13.1 peer of the C# UNet benchmark (UNetBench.cs; environment/bench.sh runs both through interleave.py).

The network is the course's UNet (ddpm_unet.py: lib/Models/UNet.cs's mnist-small, 1,623,169 parameters, dropout 0.1),
batch 128 by default, Adam(lr=2e-4), MSE on the noise of DDPM's forward process. Task "train" is one training step
(forward and loss, in bfloat16 autocast with --precision bf16, backward, Adam), task "forward" one forward pass under
no_grad. Served over the line protocol of worker.py.
"""
import argparse

import torch
import torch.nn.functional as F

from ddpm_unet import UNet
from worker import serve


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--params-only", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = UNet()
    n = sum(p.numel() for p in model.parameters())
    if a.params_only:
        print(f"RESULT params={n}")
        return
    bf16 = a.precision == "bf16"
    opt = torch.optim.Adam(model.parameters(), lr=2e-4)
    T = 1000
    abar = torch.cumprod(1 - torch.linspace(1e-4, 0.02, T), 0)
    x0 = torch.rand(a.batch, 1, 28, 28) * 2 - 1

    def train():
        model.train()
        t = torch.randint(0, T, (a.batch,))
        eps = torch.randn_like(x0)
        ab = abar[t][:, None, None, None]
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = F.mse_loss(model(xt, t).float(), eps)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    def forward():
        model.eval()
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            model(x0, torch.randint(0, T, (a.batch,))).float().sum().item()

    serve({"train": train, "forward": forward},
          f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, UNet mnist-small ({n:,} parameters), batch {a.batch}, {a.precision}",
          lambda: {"params": n})


if __name__ == "__main__":
    main()
