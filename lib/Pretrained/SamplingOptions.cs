using System.Globalization;
using Diffusion.Engine;
using static TorchSharp.torch;

namespace Diffusion.Pretrained;

/// <summary>The samplers of the sampling command (<see cref="TrainedModel.Sample"/>).</summary>
public enum SamplerKind
{
    /// <summary>Predictor-corrector (Song et al. 2021, Algorithm 1): reverse-diffusion predictor, one Langevin corrector step.</summary>
    Pc,

    /// <summary>Euler-Maruyama on the reverse SDE (predictor only).</summary>
    Em,

    /// <summary>The probability-flow ODE by adaptive RK45 (Dormand-Prince), then one denoising step.</summary>
    Ode,

    /// <summary>Ho et al.'s ancestral sampler (DDPM ε-models only).</summary>
    Ddpm,

    /// <summary>Song et al.'s deterministic DDIM (η = 0; DDPM ε-models only).</summary>
    Ddim,
}

/// <summary>How to sample a trained model (see <see cref="TrainedModel.Sample"/>).</summary>
public sealed record SamplingOptions
{
    /// <summary>The sampler.</summary>
    public SamplerKind Sampler { get; init; } = SamplerKind.Pc;

    /// <summary>N, the number of steps (the SDE's discretisation for pc/em, the schedule's sub-sequence for ddpm/ddim; ode adapts its own).</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>The number of samples.</summary>
    public int Count { get; init; } = 64;

    /// <summary>Seeds x_T and every noise draw (a CPU generator, so the samples do not depend on the device's generator).</summary>
    public ulong Seed { get; init; }

    /// <summary>The Langevin corrector's signal-to-noise ratio r; null: 0.075 for 256² models (score_sde_pytorch's FFHQ/LSUN), else 0.16.</summary>
    public double? Snr { get; init; }

    /// <summary>The ODE solver's rtol = atol (1e-5 in score_sde_pytorch).</summary>
    public double Tolerance { get; init; } = 1e-5;

    /// <summary>ε, the last time of the SDE samplers (1e-3 in score_sde_pytorch).</summary>
    public double Eps { get; init; } = 1e-3;

    /// <summary>
    /// Whether ddpm and ddim clip x̂₀ to [−1, 1] inside each step (diffusers' <c>clip_sample</c>); null: each sampler's own
    /// default, as Ho et al.'s and Song et al.'s code (DDPM clips, DDIM does not). Spelled <c>ddim:50:clip</c> or <c>ddpm:1000:noclip</c>.
    /// </summary>
    public bool? Clip { get; init; }

    /// <summary>The precision of the network's evaluations (<see cref="Precision.BFloat16"/>: autocast; the sampler's arithmetic stays float32).</summary>
    public Precision Precision { get; init; }

    /// <summary>
    /// Reads a sampler as every command and notebook writes it: <c>kind:steps</c> for ddpm, ddim, em and pc (e.g. <c>pc:100</c>,
    /// <c>ddim:50</c>), <c>ode:tolerance</c> for the probability-flow ODE (e.g. <c>ode:1e-3</c>), and for ddpm and ddim an optional
    /// third part <c>clip</c> or <c>noclip</c> (<see cref="Clip"/>, e.g. <c>ddim:50:clip</c>); returns the canonical name
    /// (<c>kind:value[:clip]</c>, the kind in lower case) and the options.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not one of those forms; the message shows the forms (and, for the older
    /// <c>ddim-50</c> spelling, the one to write instead).</exception>
    public static (string Name, SamplingOptions Options) Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        const string Forms = "a sampler is kind:steps (ddim, ddpm, em, pc) or ode:tolerance, e.g. pc:100 or ode:1e-3";
        int cut = spec.IndexOf(':', StringComparison.Ordinal);
        if (cut < 0 && spec.IndexOf('-', StringComparison.Ordinal) is int dash and > 0
            && Enum.TryParse<SamplerKind>(spec[..dash], ignoreCase: true, out _) && spec[..dash].All(char.IsLetter))
        {
            throw new ArgumentException($"{Forms}; write {spec[..dash].ToLowerInvariant()}:{spec[(dash + 1)..]}, not '{spec}'");
        }
        if (cut <= 0 || !spec[..cut].All(char.IsLetter) || !Enum.TryParse<SamplerKind>(spec[..cut], ignoreCase: true, out var kind))
        {
            throw new ArgumentException($"{Forms}; got '{spec}'");
        }
        var inv = CultureInfo.InvariantCulture;
        string value = spec[(cut + 1)..];
        bool? clip = null;
        if (value.IndexOf(':', StringComparison.Ordinal) is int flag and >= 0)
        {
            clip = value[(flag + 1)..].ToLowerInvariant() switch
            {
                "clip" when kind is SamplerKind.Ddim or SamplerKind.Ddpm => true,
                "noclip" when kind is SamplerKind.Ddim or SamplerKind.Ddpm => false,
                _ => throw new ArgumentException($"{Forms}; only ddpm and ddim take a third part, clip or noclip (e.g. ddim:50:clip); got '{spec}'"),
            };
            value = value[..flag];
        }
        if (kind == SamplerKind.Ode)
        {
            return double.TryParse(value, NumberStyles.Float, inv, out double tol) && tol > 0 && double.IsFinite(tol)
                ? ($"ode:{tol.ToString("G3", inv)}", new SamplingOptions { Sampler = kind, Tolerance = tol })
                : throw new ArgumentException($"ode takes a positive tolerance, e.g. ode:1e-3; got '{spec}'");
        }
        string name = kind.ToString().ToLowerInvariant();
        return int.TryParse(value, NumberStyles.Integer, inv, out int steps) && steps > 0
            ? ($"{name}:{steps}{(clip is bool c ? c ? ":clip" : ":noclip" : "")}", new SamplingOptions { Sampler = kind, Steps = steps, Clip = clip })
            : throw new ArgumentException($"{name} takes a positive number of steps, e.g. {name}:100; got '{spec}'");
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (Steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be at least 1");
        }
        if (Count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Count), Count, "the number of samples must be at least 1");
        }
        if (Snr is double r && !(r > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Snr), Snr, "snr must be positive");
        }
        if (!(Tolerance > 0) || !(Eps > 0 && Eps < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), $"need tolerance > 0 and 0 < eps < 1, got {Tolerance} and {Eps}");
        }
    }
}

/// <summary>The result of <see cref="TrainedModel.Sample"/>.</summary>
/// <param name="Samples">The samples [N, C, H, W] on the CPU, float32, in the model's data range.</param>
/// <param name="Range">The data range: (0, 1) for VE NCSN++ models, (−1, 1) for DDPM models.</param>
/// <param name="Nfe">Network evaluations per sample.</param>
/// <param name="Seconds">Wall time of the sampling loop (the samples copied back to the CPU included).</param>
/// <param name="Description">The sampler and its settings in words.</param>
public sealed record SamplingResult(Tensor Samples, (double Low, double High) Range, int Nfe, double Seconds, string Description) : IDisposable
{
    /// <summary>
    /// The samples clamped to <see cref="Range"/> and mapped to [−1, 1] (a new tensor): 2 (x − low) / (high − low) − 1, the range of
    /// the MNIST feature network's inputs, so FID treats DDPM ([−1, 1]) and VE ([0, 1]) models alike.
    /// </summary>
    public Tensor Symmetric()
    {
        var (low, high) = Range;
        using var clamped = Samples.clamp(low, high);
        using var shifted = clamped - low;
        using var scaled = shifted * (2.0 / (high - low));
        return scaled - 1.0;
    }

    /// <summary>Frees the samples.</summary>
    public void Dispose() => Samples.Dispose();
}
