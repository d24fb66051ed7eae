using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Score;

/// <summary>
/// A noise-conditioned score s(x, σ) ≈ ∇_x log p_σ(x): points x [B, d] and noise levels σ [B] in, scores [B, d] out.
/// The result is a new tensor, registered in the caller's dispose scope. Any <c>nn.Module&lt;Tensor, Tensor, Tensor&gt;</c> taking
/// (x, σ) is one: <c>model.call</c>.
/// </summary>
public delegate Tensor ScoreFunction(Tensor x, Tensor sigma);

/// <summary>Noise-level ladders σ_1 &gt; … &gt; σ_L.</summary>
public static class NoiseLevels
{
    /// <summary>σ_i = σ_max (σ_min/σ_max)^{(i−1)/(L−1)}, a geometric sequence from σ_max down to σ_min (NCSN).</summary>
    public static double[] Geometric(double sigmaMax, double sigmaMin, int count)
    {
        if (!(sigmaMax > sigmaMin) || !(sigmaMin > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaMax), $"need σ_max > σ_min > 0, got {sigmaMax} and {sigmaMin}");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        return Enumerable.Range(0, count).Select(i => sigmaMax * Math.Pow(sigmaMin / sigmaMax, i / (double)(count - 1))).ToArray();
    }
}
