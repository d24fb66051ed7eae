"""lib/Sde/DormandPrince.cs in PyTorch (bench_sde.py's ODE solver): the adaptive Dormand-Prince RK4(5) pair on tensors with
SciPy's solve_ivp(method="RK45") step control, step for step as the C# code.

A step of size h advances by the 5th-order solution; the embedded 4th-order one gives the error e = h sum_j E_j k_j, and
the step is accepted when ||e / (atol + rtol max(|y|, |y_new|))||_RMS <= 1 (RMS over every entry of the batch); h is then
scaled by min(10, 0.9 err^(-1/5)) (10 when err = 0), after a rejection by max(0.2, 0.9 err^(-1/5)). First-same-as-last:
6 evaluations per step. The first step is SciPy's select_initial_step for a 4th-order error estimate.
"""
import math

import torch

C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1]
A = [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
]
B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]
E = [-71 / 57600, 0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40]


def initial_step(f, t0, y0, f0, direction, rtol, atol, span):
    """DormandPrince.InitialStep (SciPy's select_initial_step, order 4)."""
    scale = y0.abs() * rtol + atol

    def rms(v):
        return (v / scale).square().mean().sqrt().item()

    d0, d1 = rms(y0), rms(f0)
    h0 = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
    h0 = min(h0, span)
    f1 = f(t0 + direction * h0, y0 + f0 * (direction * h0))
    d2 = rms(f1 - f0) / h0
    h1 = max(1e-6, h0 * 1e-3) if d1 <= 1e-15 and d2 <= 1e-15 else (0.01 / max(d1, d2)) ** (1 / 5)
    return min(100 * h0, h1, span)


def solve(f, y0, t0, t1, rtol=1e-5, atol=1e-5, max_steps=100_000):
    """Integrates dy/dt = f(t, y) from t0 to t1 (either direction); returns (y(t1), evaluations, accepted, rejected)."""
    nfe = 0

    def F(t, y):
        nonlocal nfe
        nfe += 1
        return f(t, y)

    direction = math.copysign(1.0, t1 - t0) if t1 != t0 else 0.0
    if direction == 0:
        return y0.clone(), 0, 0, 0
    y, fy, t = y0.clone(), F(t0, y0), t0
    h = initial_step(F, t0, y, fy, direction, rtol, atol, abs(t1 - t0))
    accepted = rejected = 0
    while direction * (t1 - t) > 0:
        if accepted + rejected >= max_steps:
            raise RuntimeError(f"the ODE solver took {max_steps} steps without reaching t = {t1} (now at t = {t})")
        h = min(h, abs(t1 - t))
        k = [fy]
        for s in range(1, 6):
            dy = k[0] * A[s][0]
            for j in range(1, s):
                dy = dy + k[j] * A[s][j]
            k.append(F(t + direction * h * C[s], y + dy * (direction * h)))
        inc = k[0] * B[0]
        for s in range(2, 6):
            inc = inc + k[s] * B[s]
        y_new = y + inc * (direction * h)
        k.append(F(t + direction * h, y_new))
        err = k[0] * E[0]
        for s in range(2, 7):
            err = err + k[s] * E[s]
        err = err * h
        scale = torch.maximum(y.abs(), y_new.abs()) * rtol + atol
        err_norm = (err / scale).square().mean().sqrt().item()
        if math.isnan(err_norm):
            raise RuntimeError(f"the ODE solver's error estimate is NaN at t = {t}")
        if err_norm <= 1:
            t += direction * h
            accepted += 1
            y, fy = y_new, k[6]
            h *= 10 if err_norm == 0 else min(10, 0.9 * err_norm ** -0.2)
        else:
            rejected += 1
            h *= max(0.2, 0.9 * err_norm ** -0.2)
    return y, nfe, accepted, rejected
