using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Sde;

/// <summary>
/// Data x(0) ~ N(μ, s² I): under any of the SDEs p_t = N(m(t) μ, v(t) I) with v(t) = m(t)² s² + σ(t)², so the exact score is
/// −(x − m(t) μ) / v(t), and the probability-flow ODE maps x(t) to m(t') μ + √(v(t')/v(t)) (x(t) − m(t) μ).
/// </summary>
internal sealed class GaussianData(Diffusion.Sde.Sde sde, double[] mu, double s)
{
    public double[] Mu => mu;

    public double S => s;

    public Tensor MuTensor(ScalarType dtype) => torch.tensor(mu, dtype: dtype);

    public double M(double t) => sde.MeanCoefficient(torch.tensor(new[] { t }, dtype: ScalarType.Float64)).item<double>();

    public double Sigma(double t) => sde.MarginalStd(torch.tensor(new[] { t }, dtype: ScalarType.Float64)).item<double>();

    public double V(double t) => M(t) * M(t) * s * s + Sigma(t) * Sigma(t);

    public Tensor Score(Tensor x, Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var m = Diffusion.Sde.Sde.Rows(sde.MeanCoefficient(t), x);
        var sigma = Diffusion.Sde.Sde.Rows(sde.MarginalStd(t), x);
        var v = m.square() * (s * s) + sigma.square();
        return (-(x - m * MuTensor(x.dtype)) / v).MoveToOuterDisposeScope();
    }

    /// <summary>log N(x; m(t) μ, v(t) I) per row.</summary>
    public double[] LogDensity(Tensor x, double t)
    {
        double m = M(t), v = V(t);
        long b = x.shape[0], d = x.shape[1];
        var rows = new double[b];
        var data = x.to(ScalarType.Float64).data<double>().ToArray();
        for (int i = 0; i < b; i++)
        {
            double sq = 0;
            for (int j = 0; j < d; j++)
            {
                double r = data[i * d + j] - m * mu[j];
                sq += r * r;
            }
            rows[i] = -0.5 * d * Math.Log(2 * Math.PI * v) - sq / (2 * v);
        }
        return rows;
    }
}
