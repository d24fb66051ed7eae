using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>
/// The exact score of a data set noised by N(0, σ²I): for p_σ(x) = (1/N) Σ_i N(x; x_i, σ²I),
/// ∇ log p_σ(x) = Σ_i w_i(x) (x_i − x)/σ² with w_i(x) = softmax_i(−‖x − x_i‖²/(2σ²)).
/// With many data points it is the ground truth a denoising-score-matching network should learn.
/// </summary>
public static class KernelDensityScore
{
    /// <summary>The score at each query point (interleaved, dimension <paramref name="dim"/>), in float64.</summary>
    public static double[] Score(ReadOnlySpan<float> queries, ReadOnlySpan<float> data, double sigma, int dim = 2)
    {
        if (!(sigma > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be positive");
        }
        if (queries.Length % dim != 0 || data.Length % dim != 0 || data.Length == 0)
        {
            throw new ArgumentException($"queries and data must hold whole points of dimension {dim}");
        }
        int nq = queries.Length / dim, nd = data.Length / dim;
        var result = new double[queries.Length];
        var logw = new double[nd];
        double inv2s2 = 1 / (2 * sigma * sigma);
        var mean = new double[dim];
        for (int q = 0; q < nq; q++)
        {
            double max = LogKernels(queries.Slice(q * dim, dim), data, inv2s2, logw);
            double total = 0;
            Array.Clear(mean);
            for (int i = 0; i < nd; i++)
            {
                double w = Math.Exp(logw[i] - max);
                total += w;
                for (int k = 0; k < dim; k++)
                {
                    mean[k] += w * data[i * dim + k];
                }
            }
            for (int k = 0; k < dim; k++)
            {
                result[q * dim + k] = (mean[k] / total - queries[q * dim + k]) / (sigma * sigma);
            }
        }
        return result;
    }

    /// <summary>
    /// log p_σ(x) = log((1/N) Σ_i N(x; x_i, σ²I)) at each query point (log-sum-exp, so far-away points do not underflow).
    /// </summary>
    public static double[] LogDensity(ReadOnlySpan<float> queries, ReadOnlySpan<float> data, double sigma, int dim = 2)
    {
        if (!(sigma > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be positive");
        }
        if (queries.Length % dim != 0 || data.Length % dim != 0 || data.Length == 0)
        {
            throw new ArgumentException($"queries and data must hold whole points of dimension {dim}");
        }
        int nq = queries.Length / dim, nd = data.Length / dim;
        var result = new double[nq];
        var logk = new double[nd];
        double inv2s2 = 1 / (2 * sigma * sigma);
        double logNorm = -0.5 * dim * Math.Log(2 * Math.PI * sigma * sigma) - Math.Log(nd);
        for (int q = 0; q < nq; q++)
        {
            double max = LogKernels(queries.Slice(q * dim, dim), data, inv2s2, logk);
            double total = 0;
            for (int i = 0; i < nd; i++)
            {
                total += Math.Exp(logk[i] - max);
            }
            result[q] = logNorm + max + Math.Log(total);
        }
        return result;
    }

    /// <summary>
    /// The score at each row of <paramref name="queries"/> [M, d] for the data set <paramref name="data"/> [N, d], as a
    /// float32 tensor [M, d] on the queries' device (computed in float64 on the CPU by <see cref="Score(ReadOnlySpan{float}, ReadOnlySpan{float}, double, int)"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The tensors are not [M, d] and [N, d] with the same d.</exception>
    public static Tensor Score(Tensor queries, Tensor data, double sigma)
    {
        int dim = Dimension(queries, data);
        var result = Score(Floats(queries), Floats(data), sigma, dim);
        using var scope = NewDisposeScope();
        return torch.tensor(result, [queries.shape[0], dim], ScalarType.Float64).to(ScalarType.Float32, queries.device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// How far a learned score is from the exact one where the noised data are: the p_σ-weighted relative error
    /// √(Σ_q p_σ(x_q) ‖s_θ(x_q) − s(x_q)‖²) / √(Σ_q p_σ(x_q) ‖s(x_q)‖²) over the query points x_q [M, d] (a grid over the data),
    /// with <paramref name="learned"/> s_θ at those points [M, d]. Weighting by p_σ ignores errors where there is no mass.
    /// </summary>
    /// <exception cref="ArgumentException">The tensors' shapes do not match.</exception>
    public static double WeightedRelativeError(Tensor queries, Tensor learned, Tensor data, double sigma)
    {
        int dim = Dimension(queries, data);
        if (!learned.shape.SequenceEqual(queries.shape))
        {
            throw new ArgumentException($"the learned score {Shapes.Format(learned)} must have the queries' shape {Shapes.Format(queries)}", nameof(learned));
        }
        var q = Floats(queries);
        var d = Floats(data);
        double[] exact = Score(q, d, sigma, dim), logp = LogDensity(q, d, sigma, dim), s = Doubles(learned);
        double maxLog = logp.Max(), num = 0, den = 0;
        for (int i = 0; i < logp.Length; i++)
        {
            double w = Math.Exp(logp[i] - maxLog);
            for (int k = 0; k < dim; k++)
            {
                double e = exact[(i * dim) + k], diff = s[(i * dim) + k] - e;
                num += w * diff * diff;
                den += w * e * e;
            }
        }
        return Math.Sqrt(num / den);
    }

    private static int Dimension(Tensor queries, Tensor data)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(data);
        if (queries.dim() != 2 || data.dim() != 2 || queries.shape[1] != data.shape[1])
        {
            throw new ArgumentException($"queries and data must be [M, d] and [N, d] with the same d, got {Shapes.Format(queries)} and {Shapes.Format(data)}");
        }
        return (int)queries.shape[1];
    }

    private static float[] Floats(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray();
    }

    private static double[] Doubles(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().to(ScalarType.Float64, CPU).contiguous().data<double>().ToArray();
    }

    /// <summary>Fills logk[i] = −‖x − x_i‖²/(2σ²) for one query x and returns the largest entry.</summary>
    private static double LogKernels(ReadOnlySpan<float> query, ReadOnlySpan<float> data, double inv2s2, double[] logk)
    {
        int dim = query.Length;
        double max = double.NegativeInfinity;
        for (int i = 0; i < logk.Length; i++)
        {
            double d2 = 0;
            for (int k = 0; k < dim; k++)
            {
                double d = query[k] - (double)data[i * dim + k];
                d2 += d * d;
            }
            logk[i] = -d2 * inv2s2;
            max = Math.Max(max, logk[i]);
        }
        return max;
    }
}
