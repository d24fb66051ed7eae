using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>The result of an adaptive ODE solve: y(t_1), function evaluations, accepted and rejected steps.</summary>
/// <param name="Y">y at the end time (the caller owns it).</param>
/// <param name="Nfe">Evaluations of the right-hand side.</param>
/// <param name="Accepted">Accepted steps.</param>
/// <param name="Rejected">Rejected steps.</param>
/// <param name="StepSizes">The size |h| of each accepted step, in order.</param>
public sealed record OdeSolution(Tensor Y, int Nfe, int Accepted, int Rejected, IReadOnlyList<double> StepSizes);

/// <summary>
/// The adaptive explicit Runge-Kutta 4(5) pair of Dormand and Prince (1980) on tensors, with the step control and starting
/// step of SciPy's <c>solve_ivp(method="RK45")</c> (which score_sde_pytorch calls): the 5th-order solution advances, the
/// embedded 4th-order one estimates the error e, a step is accepted when
/// ‖e / (atol + rtol · max(|y|, |y_new|))‖_RMS ≤ 1 (RMS over every entry of the batch), and h is scaled by
/// 0.9 · err^(−1/5), clamped to [0.2, 10]. First-same-as-last: 6 evaluations per accepted step.
/// </summary>
public static class DormandPrince
{
    private static readonly double[] C = [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1];

    private static readonly double[][] A =
    [
        [],
        [1.0 / 5],
        [3.0 / 40, 9.0 / 40],
        [44.0 / 45, -56.0 / 15, 32.0 / 9],
        [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
        [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
    ];

    private static readonly double[] B = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84];

    /// <summary>Error weights (5th − 4th order), over k_1 … k_7 with k_7 = f(t + h, y_new).</summary>
    private static readonly double[] E = [-71.0 / 57600, 0, 71.0 / 16695, -71.0 / 1920, 17253.0 / 339200, -22.0 / 525, 1.0 / 40];

    /// <summary>
    /// Integrates dy/dt = f(t, y) from <paramref name="t0"/> to <paramref name="t1"/> (either direction) starting at
    /// <paramref name="y0"/>; f returns a new tensor of y's shape.
    /// </summary>
    public static OdeSolution Solve(Func<double, Tensor, Tensor> f, Tensor y0, double t0, double t1, double rtol = 1e-5, double atol = 1e-5,
        int maxSteps = 100_000)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(y0);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rtol);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(atol);
        int nfe = 0;
        Tensor F(double t, Tensor y)
        {
            nfe++;
            var k = f(t, y);
            if (!k.shape.SequenceEqual(y.shape))
            {
                throw new InvalidOperationException($"the right-hand side returned shape [{string.Join(", ", k.shape)}] for y of shape [{string.Join(", ", y.shape)}]");
            }
            return k;
        }

        double direction = Math.Sign(t1 - t0);
        var sizes = new List<double>();
        if (direction == 0)
        {
            return new OdeSolution(y0.clone(), 0, 0, 0, sizes);
        }
        Tensor y = y0.clone(), fy = F(t0, y0);
        double t = t0;
        double h = InitialStep(F, t0, y, fy, direction, rtol, atol, Math.Abs(t1 - t0));
        int accepted = 0, rejected = 0;
        while (direction * (t1 - t) > 0)
        {
            if (accepted + rejected >= maxSteps)
            {
                throw new InvalidOperationException($"the ODE solver took {maxSteps} steps without reaching t = {t1} (now at t = {t})");
            }
            h = Math.Min(h, Math.Abs(t1 - t));
            using var scope = torch.NewDisposeScope();
            var k = new Tensor[7];
            k[0] = fy;
            for (int s = 1; s < 6; s++)
            {
                var dy = k[0] * A[s][0];
                for (int j = 1; j < s; j++)
                {
                    dy = dy + k[j] * A[s][j];
                }
                k[s] = F(t + direction * h * C[s], y + dy * (direction * h));
            }
            var inc = k[0] * B[0];
            for (int s = 2; s < 6; s++)
            {
                inc = inc + k[s] * B[s];
            }
            var yNew = y + inc * (direction * h);
            k[6] = F(t + direction * h, yNew);
            var err = k[0] * E[0];
            for (int s = 2; s < 7; s++)
            {
                err = err + k[s] * E[s];
            }
            err = err * h;
            var scale = torch.maximum(y.abs(), yNew.abs()) * rtol + atol;
            double errNorm = (err / scale).square().mean().sqrt().to(ScalarType.Float64).item<double>();
            if (double.IsNaN(errNorm))
            {
                throw new InvalidOperationException($"the ODE solver's error estimate is NaN at t = {t}: the right-hand side produced NaN or ∞");
            }
            if (errNorm <= 1)
            {
                t += direction * h;
                accepted++;
                sizes.Add(h);
                y.Dispose();
                fy.Dispose();
                y = yNew.MoveToOuterDisposeScope();
                fy = k[6].MoveToOuterDisposeScope();
                double factor = errNorm == 0 ? 10 : Math.Min(10, 0.9 * Math.Pow(errNorm, -0.2));
                h *= factor;
            }
            else
            {
                rejected++;
                h *= Math.Max(0.2, 0.9 * Math.Pow(errNorm, -0.2));
            }
        }
        fy.Dispose();
        return new OdeSolution(y, nfe, accepted, rejected, sizes);
    }

    /// <summary>SciPy's <c>select_initial_step</c> for a 4th-order error estimate.</summary>
    private static double InitialStep(Func<double, Tensor, Tensor> f, double t0, Tensor y0, Tensor f0, double direction, double rtol, double atol, double span)
    {
        using var scope = torch.NewDisposeScope();
        var scale = y0.abs() * rtol + atol;
        double Rms(Tensor v) => (v / scale).square().mean().sqrt().to(ScalarType.Float64).item<double>();
        double d0 = Rms(y0), d1 = Rms(f0);
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.Min(h0, span);
        var y1 = y0 + f0 * (direction * h0);
        var f1 = f(t0 + direction * h0, y1);
        double d2 = Rms(f1 - f0) / h0;
        double h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / Math.Max(d1, d2), 1.0 / 5);
        return Math.Min(Math.Min(100 * h0, h1), span);
    }
}
