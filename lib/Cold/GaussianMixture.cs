using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cold;

/// <summary>
/// A Gaussian mixture p(x) = Σ_k π_k N(x; μ_k, Σ_k) over rows x ∈ ℝ^d with full covariances, fitted by expectation-maximisation
/// (<see cref="Fit"/>) and sampled by ancestral sampling. All tensors are float64 on the CPU and owned by the mixture.
/// </summary>
/// <remarks>
/// E-step: responsibilities r_nk = π_k N(x_n; μ_k, Σ_k) / Σ_j π_j N(x_n; μ_j, Σ_j), computed in log space with the Cholesky factor
/// Σ_k = L_k L_kᵀ: log N(x; μ, Σ) = −½ ‖L⁻¹(x − μ)‖² − Σ_i log L_ii − (d/2) log 2π.
/// M-step: N_k = Σ_n r_nk, π_k = N_k / N, μ_k = Σ_n r_nk x_n / N_k, Σ_k = Σ_n r_nk (x_n − μ_k)(x_n − μ_k)ᵀ / N_k + ε I
/// (ε = <c>regularisation</c> keeps Σ_k positive definite when a component collapses onto few points).
/// EM never lowers the mean log-likelihood ℓ = (1/N) Σ_n log p(x_n) (up to the ε term); <see cref="LogLikelihoodHistory"/> records it.
/// </remarks>
public sealed class GaussianMixture : IDisposable
{
    private GaussianMixture(Tensor weights, Tensor means, Tensor covariances, IReadOnlyList<double> history)
    {
        Weights = weights;
        Means = means;
        Covariances = covariances;
        LogLikelihoodHistory = history;
        CholeskyFactors = linalg.cholesky(covariances).DetachFromDisposeScope();
    }

    /// <summary>π [K].</summary>
    public Tensor Weights { get; }

    /// <summary>μ [K, d].</summary>
    public Tensor Means { get; }

    /// <summary>Σ [K, d, d].</summary>
    public Tensor Covariances { get; }

    /// <summary>L [K, d, d] with Σ_k = L_k L_kᵀ.</summary>
    public Tensor CholeskyFactors { get; }

    /// <summary>K, the number of components.</summary>
    public int Components => (int)Weights.shape[0];

    /// <summary>d, the dimension of a row.</summary>
    public int Dimension => (int)Means.shape[1];

    /// <summary>The mean log-likelihood per row after the initialisation and after each EM iteration.</summary>
    public IReadOnlyList<double> LogLikelihoodHistory { get; }

    /// <summary>A mixture with given parameters (π [K] summing to 1, μ [K, d], Σ [K, d, d] positive definite).</summary>
    public static GaussianMixture FromParameters(Tensor weights, Tensor means, Tensor covariances)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(covariances);
        if (weights.dim() != 1 || means.dim() != 2 || covariances.dim() != 3 || means.shape[0] != weights.shape[0]
            || covariances.shape[0] != weights.shape[0] || covariances.shape[1] != means.shape[1] || covariances.shape[2] != means.shape[1])
        {
            throw new ArgumentException($"a mixture needs π [K], μ [K, d] and Σ [K, d, d]; got π {Shapes.Format(weights)}, μ {Shapes.Format(means)}, Σ {Shapes.Format(covariances)}");
        }
        using var scope = NewDisposeScope();
        var pi = weights.to(float64).cpu().detach();
        if (Math.Abs(pi.sum().ToDouble() - 1) > 1e-6 || pi.min().ToDouble() < 0)
        {
            throw new ArgumentException("the weights π must be non-negative and sum to 1", nameof(weights));
        }
        return new GaussianMixture(pi.clone().DetachFromDisposeScope(), means.to(float64).cpu().detach().clone().DetachFromDisposeScope(),
            covariances.to(float64).cpu().detach().clone().DetachFromDisposeScope(), []);
    }

    /// <summary>
    /// Fits K = <paramref name="components"/> Gaussians to the rows of <paramref name="x"/> [N, d] by EM: the means start at K rows
    /// chosen by k-means++ seeding from <paramref name="generator"/>, the covariances at the data's covariance, π uniform; it stops
    /// after <paramref name="maxIterations"/> or when ℓ rises by less than <paramref name="tolerance"/>.
    /// </summary>
    public static GaussianMixture Fit(Tensor x, int components, Generator? generator = null, int maxIterations = 200,
        double tolerance = 1e-8, double regularisation = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2)
        {
            throw new ArgumentException($"EM fits rows [N, d]; got {Shapes.Format(x)} (flatten images or take their channel means first)", nameof(x));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(components);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxIterations);
        ArgumentOutOfRangeException.ThrowIfNegative(regularisation);
        long n = x.shape[0], d = x.shape[1];
        if (n < components)
        {
            throw new ArgumentException($"EM needs at least as many rows as components: {n} rows for {components} components", nameof(x));
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var data = x.to(float64).cpu().detach();
        var eye = torch.eye(d, dtype: float64) * regularisation;
        var centred = data - data.mean([0], keepdim: true);
        var dataCovariance = centred.T.matmul(centred) / n + eye;
        var means = KMeansPlusPlus(data, components, generator);
        var covariances = dataCovariance.unsqueeze(0).repeat(components, 1, 1);
        var weights = full([components], 1.0 / components, dtype: float64);
        var history = new List<double>();
        for (int iteration = 0; iteration <= maxIterations; iteration++)
        {
            using var step = NewDisposeScope();
            var logJoint = LogJoint(data, weights, means, linalg.cholesky(covariances));   // [N, K]
            var logNormaliser = logJoint.logsumexp(1, keepdim: true);
            history.Add(logNormaliser.mean().ToDouble());
            if (iteration == maxIterations || (history.Count > 1 && history[^1] - history[^2] < tolerance))
            {
                break;
            }
            var r = (logJoint - logNormaliser).exp();                                         // [N, K]
            var nk = r.sum(dim: 0) + 1e-300;                                                        // [K]
            var newMeans = r.T.matmul(data) / nk.unsqueeze(1);                                 // [K, d]
            var diff = data.unsqueeze(0) - newMeans.unsqueeze(1);                              // [K, N, d]
            var newCovariances = (diff * r.T.unsqueeze(2)).transpose(1, 2).matmul(diff) / nk.reshape(-1, 1, 1) + eye;
            weights = (nk / n).MoveToOuterDisposeScope();
            means = newMeans.MoveToOuterDisposeScope();
            covariances = newCovariances.MoveToOuterDisposeScope();
        }
        return new GaussianMixture(weights.DetachFromDisposeScope(), means.DetachFromDisposeScope(), covariances.DetachFromDisposeScope(), history);
    }

    /// <summary>log p(x_n) for rows x [N, d] (float64 [N]).</summary>
    public Tensor LogDensity(Tensor x)
    {
        CheckRows(x);
        using var scope = NewDisposeScope();
        return LogJoint(x.to(float64).cpu(), Weights, Means, CholeskyFactors).logsumexp(1).MoveToOuterDisposeScope();
    }

    /// <summary>n rows [n, d] (float64): k ~ Categorical(π), x = μ_k + L_k z, z ~ N(0, I), all drawn from <paramref name="generator"/>.</summary>
    public Tensor Sample(long n, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        using var scope = NewDisposeScope();
        var k = multinomial(Weights, n, replacement: true, generator: generator);                   // [n]
        var z = randn([n, Dimension, 1], dtype: float64, generator: generator);
        var x = Means.index_select(0, k) + CholeskyFactors.index_select(0, k).matmul(z).squeeze(2);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Frees the parameters.</summary>
    public void Dispose()
    {
        Weights.Dispose();
        Means.Dispose();
        Covariances.Dispose();
        CholeskyFactors.Dispose();
    }

    /// <summary>log π_k + log N(x_n; μ_k, L_k L_kᵀ), [N, K].</summary>
    private static Tensor LogJoint(Tensor x, Tensor weights, Tensor means, Tensor cholesky)
    {
        long d = x.shape[1];
        var diff = (x.unsqueeze(0) - means.unsqueeze(1)).transpose(1, 2);                         // [K, d, N]
        var solved = linalg.solve_triangular(cholesky, diff, upper: false);                       // L⁻¹(x − μ) [K, d, N]
        var mahalanobis = solved.square().sum(1);                                                  // [K, N]
        var logDet = cholesky.diagonal(0, 1, 2).log().sum(1, keepdim: true);                       // Σ log L_ii [K, 1]
        var logNormal = -0.5 * mahalanobis - logDet - 0.5 * d * Math.Log(2 * Math.PI);
        return (logNormal + weights.log().unsqueeze(1)).T;
    }

    /// <summary>k-means++ seeding: the first centre uniformly, each next one with probability ∝ squared distance to the nearest chosen.</summary>
    private static Tensor KMeansPlusPlus(Tensor data, int k, Generator? generator)
    {
        long n = data.shape[0];
        var first = randint(0, n, [1], dtype: int64, generator: generator);
        var centres = data.index_select(0, first);
        for (int c = 1; c < k; c++)
        {
            var d2 = cdist(data, centres).square().min(1).values;
            var total = d2.sum().ToDouble();
            var probabilities = total > 0 ? d2 / total : full([n], 1.0 / n, dtype: float64);
            var next = multinomial(probabilities, 1, generator: generator);
            centres = cat([centres, data.index_select(0, next)], 0);
        }
        return centres;
    }

    private void CheckRows(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != Dimension)
        {
            throw new ArgumentException($"the mixture is over rows [N, {Dimension}]; got {Shapes.Format(x)}", nameof(x));
        }
    }
}
