using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>The moments of simulated forward paths at some times, for comparison with an SDE's closed-form marginals.</summary>
/// <param name="T">The times t_k at which the paths were measured.</param>
/// <param name="Mean">The paths' mean at each t_k.</param>
/// <param name="Std">The paths' standard deviation at each t_k.</param>
public sealed record PathMoments(IReadOnlyList<double> T, IReadOnlyList<double> Mean, IReadOnlyList<double> Std);

/// <summary>
/// The forward SDE dx = f(x, t) dt + g(t) dw simulated by Euler-Maruyama, x_{k+1} = x_k + f(x_k, t_k) Δt + g(t_k) √Δt z_k
/// with z_k ~ N(0, 1), for many scalar paths from one start: what a closed-form marginal must agree with.
/// </summary>
public static class ForwardSimulation
{
    /// <summary>
    /// <paramref name="paths"/> paths from x(0) = <paramref name="x0"/> over [0, T] in <paramref name="steps"/> steps (float64),
    /// measured every <paramref name="every"/> steps; each step runs in its own dispose scope, so memory stays flat.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, or <paramref name="every"/> exceeds the steps.</exception>
    public static PathMoments Moments(Sde sde, double x0, int paths, int steps, int every, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sde);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(paths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(every, steps);
        double dt = sde.T / steps;
        var (times, means, stds) = (new List<double>(), new List<double>(), new List<double>());
        var x = full([paths], x0, dtype: ScalarType.Float64);
        try
        {
            for (int k = 1; k <= steps; k++)
            {
                using var scope = NewDisposeScope();
                var t = full([paths], (k - 1) * dt, dtype: ScalarType.Float64);
                var next = x + sde.Drift(x, t) * dt + sde.Diffusion(t) * Math.Sqrt(dt) * randn([paths], dtype: ScalarType.Float64, generator: generator);
                x.Dispose();
                x = next.MoveToOuterDisposeScope();
                if (k % every == 0)
                {
                    times.Add(k * dt);
                    means.Add(x.mean().item<double>());
                    stds.Add(x.std().item<double>());
                }
            }
        }
        finally
        {
            x.Dispose();
        }
        return new PathMoments(times, means, stds);
    }
}
