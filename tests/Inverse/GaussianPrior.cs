using Diffusion.Ddpm;
using Diffusion.Inverse;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>
/// Images x_0 ~ N(0, I): then x_t ~ N(0, I) at every t and the exact ε-model is E[ε | x_t] = √(1 − ᾱ_t) x_t. With a linear A and
/// y = A x_0 + σ_y n the posterior is N(μ, Σ), Σ = (I + AᵀA/σ_y²)⁻¹, μ = Σ Aᵀy/σ_y² (float64, images flattened per sample).
/// </summary>
internal static class GaussianPrior
{
    /// <summary>A short schedule (T = 100, β from 1e-4 to 0.2; ᾱ_T ≈ 4e-5) for fast tests.</summary>
    public static NoiseSchedule Schedule() => NoiseSchedule.Linear(100, 1e-4, 0.2);

    /// <summary>
    /// T = 100 steps whose noise levels σ_t = √((1 − ᾱ_t)/ᾱ_t) are geometric from <paramref name="sigmaMin"/> to
    /// <paramref name="sigmaMax"/> (ᾱ_t = 1/(1 + σ_t²), β_t = 1 − ᾱ_t/ᾱ_{t−1}): NCSN's ladder written as a DDPM schedule, dense at
    /// small σ, where annealed Langevin dynamics needs its levels.
    /// </summary>
    public static NoiseSchedule GeometricSchedule(int steps = 100, double sigmaMin = 0.01, double sigmaMax = 100)
    {
        var betas = new double[steps];
        double prev = 1;
        for (int t = 0; t < steps; t++)
        {
            double sigma = sigmaMin * Math.Pow(sigmaMax / sigmaMin, t / (steps - 1.0));
            double alphaBar = 1 / (1 + sigma * sigma);
            betas[t] = 1 - alphaBar / prev;
            prev = alphaBar;
        }
        return new NoiseSchedule(betas);
    }

    /// <summary>ε̂(x_t, t) = √(1 − ᾱ_t) x_t.</summary>
    public static EpsilonModel Model(NoiseSchedule schedule) => (x, t) =>
    {
        using var scope = NewDisposeScope();
        var c = NoiseSchedule.Extract(schedule.SqrtOneMinusAlphaBars, t, x);
        return (x * c).MoveToOuterDisposeScope();
    };

    /// <summary>The matrix of A [m, d] for images of shape [1, C, H, W] (columns are A applied to the basis images).</summary>
    public static Tensor Matrix(MeasurementOperator a, long[] imageShape)
    {
        using var scope = NewDisposeScope();
        long d = imageShape.Skip(1).Aggregate(1L, (p, v) => p * v);
        var basis = eye(d, dtype: ScalarType.Float64).reshape([d, .. imageShape.Skip(1)]);
        var columns = a.Forward(basis).reshape(d, -1);
        return columns.t().contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The posterior mean μ [d] and covariance Σ [d, d] for one measurement <paramref name="y"/> [1, …].</summary>
    public static (Tensor Mean, Tensor Covariance) Posterior(MeasurementOperator a, long[] imageShape, Tensor y, double sigmaY)
    {
        using var scope = NewDisposeScope();
        var m = Matrix(a, imageShape);
        long d = m.shape[1];
        var precision = eye(d, dtype: ScalarType.Float64) + m.t().matmul(m) / (sigmaY * sigmaY);
        var cov = linalg.inv(precision);
        var mean = cov.matmul(m.t().matmul(y.to(ScalarType.Float64).reshape(-1))) / (sigmaY * sigmaY);
        return (mean.MoveToOuterDisposeScope(), cov.MoveToOuterDisposeScope());
    }
}
