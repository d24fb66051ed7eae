"""PyTorch 1.13.1 peer of the C# score-SDE benchmark (environment/bench-sde.sh runs both; SdeBench.cs is the C# side).

The network is ncsnpp.py's twin of lib/Models/NcsnPp.cs with TrainingConfigs.NcsnPpMnist (175,527 parameters) on the VE SDE
sigma(t) = sigma_min (sigma_max / sigma_min)^t, sigma_min 0.01, sigma_max 15.8, N 1000; the score is s(x, t) = NCSN++(x, sigma(t)).
With --weights FILE (bench-sde.sh passes the file the C# side wrote) the weights are the C# model's and the file's forward
check (check.x, check.sigma, check.y) is recomputed: forward_maxdiff is the largest |difference|. Three loops, written as
lib/Sde and score_sde_pytorch's sampling.py:
  pc: from x_T ~ N(0, sigma_max^2 I) (generator 1), for t_i = linspace(1, 1e-3, N): one Langevin corrector move
      (eps = 2 (r |z| / |s|)^2, r = 0.16, norms per sample averaged over the batch; x' = x + eps s + sqrt(2 eps) z), then the
      reverse-diffusion predictor (x' = x + (sigma_i^2 - sigma_{i-1}^2) s + sqrt(sigma_i^2 - sigma_{i-1}^2) z, i = floor(t (N - 1) + 1e-4));
      with --pc-steps K < N the first K steps are timed and the time is scaled by N/K;
  ode: the probability-flow ODE dx/dt = -1/2 g(t)^2 s(x, t), g(t) = sigma(t) sqrt(2 log(sigma_max / sigma_min)), from t = 1 to 1e-3
      by adaptive Dormand-Prince RK45 (dormand_prince.py, lib/Sde/DormandPrince.cs's step control), rtol = atol = --ode-rtol,
      from x_T by generator 2, then one denoising step x + sigma_0^2 s(x, 1e-3);
  train: 0.5 * sum_d (sigma s(x0 + sigma z, t) + z)^2 averaged over a fixed batch of 64 uniform images, t ~ U(1e-5, 1),
      backward, gradient norm clipped to 1, Adam lr 2e-4; the median of --train-steps steps after 2 warm-up steps.
Prints per-loop lines and a final machine-readable line.
"""
import argparse
import json
import math
import struct
import time

import torch

from dormand_prince import solve
from ncsnpp import NCSNpp

N, T, SIGMA_MIN, SIGMA_MAX, SNR, EPS, TRAIN_BATCH = 1000, 1.0, 0.01, 15.8, 0.16, 1e-3, 64
DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}


def load_safetensors(path):
    """The tensors of a safetensors file (an 8-byte little-endian header length, a JSON header, then the data)."""
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        start, end = e["data_offsets"]
        buf = bytearray(data[8 + n + start:8 + n + end])
        out[name] = torch.frombuffer(buf, dtype=DTYPES[e["dtype"]]).reshape(e["shape"]) if end > start else torch.zeros(e["shape"], dtype=DTYPES[e["dtype"]])
    return out


def sigma_of(t):
    """VeSde.Sigma: sigma_min (sigma_max / sigma_min)^t."""
    return (t * math.log(SIGMA_MAX / SIGMA_MIN)).exp() * SIGMA_MIN


DISCRETE = [math.exp(math.log(SIGMA_MIN) + i / (N - 1) * (math.log(SIGMA_MAX) - math.log(SIGMA_MIN))) for i in range(N)]


def discrete_g(t, like):
    """VeSde.Discretize's G_i = sqrt(sigma_i^2 - sigma_{i-1}^2) (sigma_{-1} = 0) per row, i = floor(t (N - 1) / T + 1e-4)."""
    idx = [min(N - 1, max(0, math.floor(v * (N - 1) / T + 1e-4))) for v in t.double().tolist()]
    g = [math.sqrt(DISCRETE[i] ** 2 - (DISCRETE[i - 1] ** 2 if i > 0 else 0.0)) for i in idx]
    return torch.tensor(g, dtype=like.dtype)


def rows(v):
    return v.reshape(-1, 1, 1, 1)


def pc_step(score, x, t, gen):
    """One corrector move (Langevin, snr 0.16) then one reverse-diffusion predictor move at time t; returns (x, the predictor's mean)."""
    batch = x.shape[0]
    s = score(x, t)
    z = torch.randn(x.shape, generator=gen)
    s_norm = s.reshape(batch, -1).norm(dim=-1).mean()
    z_norm = z.reshape(batch, -1).norm(dim=-1).mean()
    step = ((SNR * z_norm / s_norm) ** 2 * 2) * torch.ones(batch)
    x = x + rows(step) * s + rows((step * 2).sqrt()) * z
    g = discrete_g(t, x)
    mean = x + rows(g.square()) * score(x, t)
    return mean + rows(g) * torch.randn(x.shape, generator=gen), mean


def make_train_step(model, score):
    """One step of the sigma^2-weighted score-matching loss on a fixed batch of 64 uniform images (generator 3), clip 1, Adam."""
    opt = torch.optim.Adam(model.parameters(), lr=2e-4)
    gen = torch.Generator().manual_seed(3)
    x0 = torch.rand(TRAIN_BATCH, 1, 28, 28, generator=gen)

    def train_step():
        t = torch.rand(TRAIN_BATCH, generator=gen) * (T - 1e-5) + 1e-5
        z = torch.randn(x0.shape, generator=gen)
        sigma = rows(sigma_of(t))
        s = score(x0 + sigma * z, t)
        loss = ((s * sigma + z).square().reshape(TRAIN_BATCH, -1).sum(1) * 0.5).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    return train_step


def serve_tasks(model, score, shape, params):
    """The interleaved benchmark's worker: train (one training step) and pc-step (one PC step, t cycling over the N times)."""
    from worker import serve
    train_step = make_train_step(model, score)
    gen = torch.Generator().manual_seed(1)
    state = {"x": torch.randn(shape, generator=gen) * SIGMA_MAX, "i": 0}
    times = torch.linspace(T, EPS, N).tolist()

    def train():
        model.train()
        train_step()

    def pc():
        model.eval()
        with torch.no_grad():
            t = torch.full((shape[0],), times[state["i"] % N])
            state["x"], _ = pc_step(score, state["x"], t, gen)
            state["i"] += 1

    serve({"train": train, "pc-step": pc},
          f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, NCSN++ ncsnpp-mnist ({params:,} parameters), PC batch {shape[0]}, train batch {TRAIN_BATCH}, fp32",
          lambda: {"params": params, "precision": "fp32"})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--pc-steps", type=int, default=N, help="time the first K of the N PC steps and scale by N/K")
    p.add_argument("--train-steps", type=int, default=10)
    p.add_argument("--ode-rtol", type=float, default=1e-3)
    p.add_argument("--weights", help="a safetensors file written by the C# side (--save-weights)")
    p.add_argument("--serve", action="store_true", help="serve the tasks train and pc-step over worker.py's line protocol")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = NCSNpp(init_scale=1.0)
    params = sum(q.numel() for q in model.parameters())
    print(f"pytorch {torch.__version__}: NCSN++ parameters {params}, threads {torch.get_num_threads()}, batch {a.batch}, VE sigma {SIGMA_MIN}..{SIGMA_MAX}, N {N}")
    model.eval()
    maxdiff = maxabs = float("nan")
    if a.weights:
        state = load_safetensors(a.weights)
        model.load_state_dict({k: v for k, v in state.items() if not k.startswith("check.")}, strict=True)
        with torch.no_grad():
            y = model(state["check.x"], state["check.sigma"])
        maxdiff, maxabs = (y - state["check.y"]).abs().max().item(), state["check.y"].abs().max().item()
        print(f"pytorch forward check on the C# weights: max |y - y_c#| = {maxdiff:.3g} (max |y_c#| = {maxabs:.3g})")

    def score(x, t):
        return model(x, sigma_of(t))

    shape = (a.batch, 1, 28, 28)
    if a.serve:
        return serve_tasks(model, score, shape, params)
    with torch.no_grad():
        # PC.
        gen = torch.Generator().manual_seed(1)
        steps = max(1, min(a.pc_steps, N))
        x = torch.randn(shape, generator=gen) * SIGMA_MAX
        score(x, torch.full((a.batch,), 0.5))  # warm-up
        times = torch.linspace(T, EPS, N).tolist()
        start = time.perf_counter()
        for i in range(steps):
            x, mean = pc_step(score, x, torch.full((a.batch,), times[i]), gen)
        if steps == N:
            x = mean
        pc = (time.perf_counter() - start) * N / steps
        pc_absmean = x.abs().mean().item()
        print(f"pytorch pc: {steps} of {N} steps timed (2 evaluations each), {pc:.2f} s for {N} steps" + ("" if steps == N else " (extrapolated)"))

        # ODE.
        gen = torch.Generator().manual_seed(2)
        x_t = torch.randn(shape, generator=gen) * SIGMA_MAX
        g2 = 2 * math.log(SIGMA_MAX / SIGMA_MIN)

        def rhs(t, x):
            tt = torch.full((a.batch,), t)
            return -rows(sigma_of(tt).square() * g2) * score(x, tt) * 0.5

        start = time.perf_counter()
        y, nfe, accepted, rejected = solve(rhs, x_t, T, EPS, a.ode_rtol, a.ode_rtol)
        t_eps = torch.full((a.batch,), EPS)
        y = y + rows(discrete_g(t_eps, y).square()) * score(y, t_eps)
        nfe += 1
        ode = time.perf_counter() - start
        ode_absmean = y.abs().mean().item()
        print(f"pytorch ode: rtol = atol = {a.ode_rtol}, {accepted} accepted and {rejected} rejected steps, {nfe} evaluations, {ode:.2f} s, {1000 * ode / nfe:.1f} ms per evaluation")

    # Training.
    model.train()
    train_step = make_train_step(model, score)

    for _ in range(2):
        train_step()
    train = []
    for i in range(a.train_steps):
        start = time.perf_counter()
        value = train_step()
        train.append(time.perf_counter() - start)
        print(f"pytorch train step {i}: {1000 * train[-1]:.1f} ms (loss {value:.2f})")
    train_s = sorted(train)[len(train) // 2]
    print(f"RESULT pytorch train_s={train_s:.4f} pc_s={pc:.3f} ode_s={ode:.3f} ode_nfe={nfe} ode_s_per_nfe={ode / nfe:.4f} "
          f"pc_absmean={pc_absmean:.5g} ode_absmean={ode_absmean:.5g} params={params} finite={int(math.isfinite(pc_absmean + ode_absmean))} "
          f"forward_maxdiff={maxdiff:.3g} forward_maxabs={maxabs:.3g}")


if __name__ == "__main__":
    main()
