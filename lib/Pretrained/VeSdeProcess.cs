using System.Globalization;
using System.Text.Json.Serialization;
using Diffusion.Sde;

namespace Diffusion.Pretrained;

/// <summary>
/// A score model of the variance-exploding SDE (Song et al. 2021): σ(t) = σ_min (σ_max/σ_min)^t, N discretisation steps, a network
/// s_θ(x, σ(t)) trained by continuous denoising score matching. Card section: <c>{"kind": "ve-sde", "sigmaMin": 0.01,
/// "sigmaMax": 15.8, "N": 1000, "dataRange": [0, 1], …}</c>.
/// </summary>
public sealed record VeSdeProcess : ModelProcess
{
    /// <summary>The section's <c>kind</c>.</summary>
    public const string Kind = "ve-sde";

    /// <summary>σ_min.</summary>
    public required double SigmaMin { get; init; }

    /// <summary>σ_max.</summary>
    public required double SigmaMax { get; init; }

    /// <summary>N, the number of discretisation steps.</summary>
    [JsonPropertyName("N")]
    public required int N { get; init; }

    /// <summary>The process of a VE model trained on data in [0, 1] (or [−1, 1] when <paramref name="centered"/>), with its description.</summary>
    public static VeSdeProcess Create(double sigmaMin, double sigmaMax, int n, bool centered) => new()
    {
        SigmaMin = sigmaMin,
        SigmaMax = sigmaMax,
        N = n,
        DataRange = centered ? DataRange.Symmetric : DataRange.Unit,
        Description = string.Create(CultureInfo.InvariantCulture,
            $"VE SDE: sigma_min {sigmaMin}, sigma_max {sigmaMax}, N {n}; score s(x, t) = NCSN++(x, sigma(t)); continuous DSM loss, lambda(t) = sigma(t)^2, half-sum reduction, t ~ U(1e-5, 1); data {(centered ? "in [-1, 1]" : "in [0, 1]")}"),
    };

    /// <summary>The SDE the model is a score model of.</summary>
    public VeSde Sde() => new(SigmaMin, SigmaMax, N);

    /// <inheritdoc/>
    public override void Validate(string source = "model card")
    {
        base.Validate(source);
        if (!(SigmaMin > 0 && SigmaMax > SigmaMin) || N < 1)
        {
            throw new InvalidDataException($"{source}: a ve-sde process needs 0 < sigmaMin < sigmaMax and N >= 1, got sigmaMin {SigmaMin}, sigmaMax {SigmaMax}, N {N}");
        }
    }
}
