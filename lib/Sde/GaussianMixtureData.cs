using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// Data whose score is known at every t: x(0) ~ Σ_k w_k N(μ_k, s² I). Under any of the linear SDEs here
/// x(t) = m(t) x(0) + σ(t) z, so p_t(x) = Σ_k w_k N(x; m(t) μ_k, v(t) I) with v(t) = m(t)² s² + σ(t)², and
/// ∇ log p_t(x) = Σ_k r_k(x) (m(t) μ_k − x) / v(t), r_k the posterior weights w_k N_k(x) / Σ_j w_j N_j(x).
/// Samplers driven by this exact score isolate the sampler's own error from the network's.
/// </summary>
public sealed class GaussianMixtureData
{
    private readonly double[] _weights;
    private readonly double[,] _means;

    /// <param name="means">μ_k, one row per component [K, D].</param>
    /// <param name="weights">w_k (normalised here; null: equal weights).</param>
    /// <param name="std">s, the std of every component.</param>
    public GaussianMixtureData(double[,] means, double[]? weights, double std)
    {
        ArgumentNullException.ThrowIfNull(means);
        int k = means.GetLength(0);
        if (k == 0 || means.GetLength(1) == 0)
        {
            throw new ArgumentException($"give at least one component mean with at least one dimension, got [{k}, {means.GetLength(1)}]", nameof(means));
        }
        if (!(std > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "the component std s must be positive");
        }
        weights ??= Enumerable.Repeat(1.0, k).ToArray();
        if (weights.Length != k || weights.Any(w => !(w > 0)))
        {
            throw new ArgumentException($"give {k} positive weights, one per component; got {weights.Length}", nameof(weights));
        }
        double total = weights.Sum();
        _weights = weights.Select(w => w / total).ToArray();
        _means = (double[,])means.Clone();
        Std = std;
    }

    /// <summary>K equal components on a circle of radius <paramref name="radius"/> in 2-D, μ_k = r (cos 2πk/K, sin 2πk/K).</summary>
    public static GaussianMixtureData Ring(int components = 8, double radius = 0.7, double std = 0.05)
    {
        if (components < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(components), components, "need at least one component");
        }
        var means = new double[components, 2];
        for (int k = 0; k < components; k++)
        {
            means[k, 0] = radius * Math.Cos(2 * Math.PI * k / components);
            means[k, 1] = radius * Math.Sin(2 * Math.PI * k / components);
        }
        return new GaussianMixtureData(means, null, std);
    }

    /// <summary>The number of components K.</summary>
    public int Components => _weights.Length;

    /// <summary>The dimension D.</summary>
    public int Dimension => _means.GetLength(1);

    /// <summary>s, the std of every component.</summary>
    public double Std { get; }

    /// <summary>The normalised weights w_k.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>n draws of x(0) [n, D] (component by <paramref name="generator"/>, then μ_k + s z).</summary>
    public Tensor Sample(long n, Generator? generator = null, ScalarType dtype = ScalarType.Float64)
    {
        using var scope = NewDisposeScope();
        var components = multinomial(tensor(_weights, dtype: ScalarType.Float64), n, replacement: true, generator: generator);
        var centres = Means(ScalarType.Float64).index_select(0, components);
        var z = randn([n, Dimension], dtype: ScalarType.Float64, generator: generator);
        return (centres + z * Std).to(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>log p_t(x) per row [B] under <paramref name="sde"/> (t: one time per row).</summary>
    public Tensor LogDensity(Sde sde, Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        var (logJoint, _, _) = Joint(sde, x, t);
        return logJoint.logsumexp(1).MoveToOuterDisposeScope();
    }

    /// <summary>The exact score ∇ log p_t(x) under <paramref name="sde"/> as a <see cref="ScoreModel"/>.</summary>
    public ScoreModel Score(Sde sde)
    {
        ArgumentNullException.ThrowIfNull(sde);
        return (x, t) =>
        {
            using var scope = NewDisposeScope();
            var (logJoint, centres, v) = Joint(sde, x, t);
            var r = logJoint.softmax(1);                                    // [B, K] posterior weights
            var pull = centres - x.to(ScalarType.Float64).unsqueeze(1);     // [B, K, D]: m μ_k − x
            var score = (r.unsqueeze(2) * pull).sum(1) / v.unsqueeze(1);
            return score.to(x.dtype).MoveToOuterDisposeScope();
        };
    }

    /// <summary>log w_k N(x; m μ_k, v I) [B, K], the centres m μ_k [B, K, D] and v [B].</summary>
    private (Tensor LogJoint, Tensor Centres, Tensor V) Joint(Sde sde, Tensor x, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(sde);
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != Dimension)
        {
            throw new ArgumentException($"x must be [B, {Dimension}], got {Shapes.Format(x)}", nameof(x));
        }
        Sde.CheckTimes(x, t);
        var x64 = x.to(ScalarType.Float64);
        var t64 = t.to(ScalarType.Float64);
        var m = sde.MeanCoefficient(t64);
        var sigma = sde.MarginalStd(t64);
        var v = m.square() * (Std * Std) + sigma.square();                                         // [B]
        var centres = m.reshape(-1, 1, 1) * Means(ScalarType.Float64).unsqueeze(0);                // [B, K, D]
        var squared = (x64.unsqueeze(1) - centres).square().sum(2);                                // [B, K]
        var logNormal = squared / (-2 * v.unsqueeze(1)) - 0.5 * Dimension * (2 * Math.PI * v).log().unsqueeze(1);
        var logJoint = logNormal + tensor(_weights, dtype: ScalarType.Float64).log().unsqueeze(0);
        return (logJoint, centres, v);
    }

    /// <summary>The component means μ_k [K, D].</summary>
    public Tensor Means(ScalarType dtype = ScalarType.Float64) => tensor(_means, dtype: dtype);

    /// <summary>
    /// How well points x [n, D] fit the mixture, component by component: the width √(mean_i min_k ‖x_i − μ_k‖² / (D s²))
    /// (1 for exact draws; above 1 when a sampler leaves its points blurred) and the worst weight error max_k |n_k/n − w_k|,
    /// n_k the points nearest μ_k. Meant for well-separated components.
    /// </summary>
    public (double Width, double WeightError) Fit(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != Dimension)
        {
            throw new ArgumentException($"x must be [n, {Dimension}], got {Shapes.Format(x)}", nameof(x));
        }
        using var scope = NewDisposeScope();
        var squared = (x.to(ScalarType.Float64).unsqueeze(1) - Means().unsqueeze(0)).square().sum(2);   // [n, K]
        var (nearest, index) = squared.min(1);
        double width = Math.Sqrt(nearest.mean().item<double>() / (Dimension * Std * Std));
        var counts = index.bincount(null, Components).to(ScalarType.Float64) / x.shape[0];
        double weightError = (counts - tensor(_weights, dtype: ScalarType.Float64)).abs().max().item<double>();
        return (width, weightError);
    }
}
