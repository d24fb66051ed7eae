using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffusion.Models;

/// <summary>
/// The architecture of an <see cref="NcsnPp"/> score network (Song et al. 2021, "Score-Based Generative Modeling through
/// SDEs", appendix H; score_sde_pytorch's <c>config.model</c>/<c>config.data</c> fields, named here as there in the JSON).
/// Use a preset (<see cref="MnistSmall"/>, <see cref="Ffhq256"/>) and change it with <c>with</c>.
/// </summary>
/// <remarks>
/// Level i works at resolution r_i = <see cref="ImageSize"/> / 2^i with nf · ch_mult[i] channels; every level but the last
/// ends with a down-sampling BigGAN block, so the image size must be divisible by 2^(levels − 1). GroupNorm uses
/// min(C / 4, 32) groups and ε = 10⁻⁶ as the reference does. Only the BigGAN residual block, the progressive output
/// <c>none</c>/<c>output_skip</c>, the progressive input <c>none</c>/<c>input_skip</c> and the Fourier time embedding are
/// implemented (the settings of every published NCSN++ continuous VE configuration); <see cref="Validate"/> names the others.
/// </remarks>
public sealed record NcsnPpConfig
{
    /// <summary>Image channels C (1 for MNIST, 3 for colour).</summary>
    public int NumChannels { get; init; } = 1;

    /// <summary>Image height and width (square images).</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>True when the data are already in [−1, 1]; false: the network maps x ∈ [0, 1] to 2x − 1 first (<c>data.centered</c>).</summary>
    public bool Centered { get; init; }

    /// <summary>Base width nf (the Fourier embedding has nf frequencies, the time embedding 4 · nf features).</summary>
    public int Nf { get; init; } = 32;

    /// <summary>Channels of level i = nf · ch_mult[i]; its length is the number of levels.</summary>
    public int[] ChMult { get; init; } = [1, 2, 2];

    /// <summary>Residual blocks per level on the way down (the way up has one more).</summary>
    public int NumResBlocks { get; init; } = 2;

    /// <summary>The resolutions whose blocks are followed by an attention block (the middle always has one).</summary>
    public int[] AttnResolutions { get; init; } = [7];

    /// <summary>Dropout probability inside each residual block, before its second convolution.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>True: up/down-sampling by the FIR filter <see cref="FirKernel"/> (StyleGAN2's upfirdn); false: nearest/2×2 mean.</summary>
    public bool Fir { get; init; }

    /// <summary>The separable FIR taps (normalised to sum 1 per axis).</summary>
    public int[] FirKernel { get; init; } = [1, 3, 3, 1];

    /// <summary>True: every residual sum (x + h) is divided by √2.</summary>
    public bool SkipRescale { get; init; } = true;

    /// <summary>The residual block: only <c>biggan</c> (BigGAN-style blocks that also resample).</summary>
    public string ResblockType { get; init; } = "biggan";

    /// <summary>Progressive output: <c>none</c> or <c>output_skip</c> (a pyramid of image-sized outputs summed while upsampling).</summary>
    public string Progressive { get; init; } = "output_skip";

    /// <summary>Progressive input: <c>none</c> or <c>input_skip</c> (the downsampled image joined at every level).</summary>
    public string ProgressiveInput { get; init; } = "input_skip";

    /// <summary>How the input pyramid joins the features: <c>sum</c> or <c>cat</c>.</summary>
    public string ProgressiveCombine { get; init; } = "sum";

    /// <summary>Initial scale of the last convolution of each residual/attention block and of the output (0 → 10⁻¹⁰: blocks start as the identity).</summary>
    public double InitScale { get; init; }

    /// <summary>Standard deviation of the fixed Fourier frequencies W.</summary>
    public double FourierScale { get; init; } = 16;

    /// <summary>True: the output is divided by σ, so the network predicts s(x, σ) ≈ −z/σ with a unit-scale body.</summary>
    public bool ScaleBySigma { get; init; } = true;

    /// <summary>σ_min of the VE SDE (the <c>sigmas</c> buffer's last entry).</summary>
    public double SigmaMin { get; init; } = 0.01;

    /// <summary>σ_max of the VE SDE (the <c>sigmas</c> buffer's first entry).</summary>
    public double SigmaMax { get; init; } = 50;

    /// <summary>N, the number of noise levels of the <c>sigmas</c> buffer (geometric from σ_max to σ_min).</summary>
    public int NumScales { get; init; } = 1000;

    /// <summary>Number of resolution levels.</summary>
    [JsonIgnore]
    public int Levels => ChMult.Length;

    /// <summary>r_i = ImageSize / 2^i.</summary>
    [JsonIgnore]
    public int[] Resolutions => Enumerable.Range(0, Levels).Select(i => ImageSize >> i).ToArray();

    /// <summary>The GroupNorm group count of the reference, min(C / 4, 32).</summary>
    public static int GroupsFor(long channels) => (int)Math.Min(channels / 4, 32);

    /// <summary>
    /// (A fresh instance on each call.) A small VE model for 28×28 MNIST: nf 32, ch_mult (1, 2, 2), 1 block per level, attention
    /// at 7, no FIR, progressive output/input skips, σ ∈ [0.01, 50], data in [0, 1] as score_sde_pytorch feeds it.
    /// </summary>
    public static NcsnPpConfig MnistSmall => new()
    {
        NumChannels = 1,
        ImageSize = 28,
        Nf = 32,
        ChMult = [1, 2, 2],
        NumResBlocks = 1,
        AttnResolutions = [7],
        Dropout = 0.1,
        Fir = false,
        SigmaMin = 0.01,
        SigmaMax = 50,
        NumScales = 1000,
    };

    /// <summary>A tiny model (8×8×2, nf 8, 1 block, attention at 4, FIR on, <c>cat</c> combine, N 10) for tests against the reference.</summary>
    public static NcsnPpConfig Tiny => new()
    {
        NumChannels = 2,
        ImageSize = 8,
        Nf = 8,
        ChMult = [1, 2, 2],
        NumResBlocks = 1,
        AttnResolutions = [4],
        Dropout = 0,
        Fir = true,
        ProgressiveCombine = "cat",
        NumScales = 10,
    };

    /// <summary>
    /// score_sde_pytorch's <c>configs/ve/ffhq_256_ncsnpp_continuous.py</c>: 256×256×3, nf 128, ch_mult (1, 1, 2, 2, 2, 2, 2),
    /// 2 blocks, attention at 16, dropout 0, FIR [1, 3, 3, 1], skip rescale, BigGAN blocks, output_skip / input_skip / sum,
    /// init scale 0, Fourier scale 16, scale by σ, VE σ ∈ [0.01, 348], N = 2000, data in [0, 1].
    /// </summary>
    public static NcsnPpConfig Ffhq256 => new()
    {
        NumChannels = 3,
        ImageSize = 256,
        Nf = 128,
        ChMult = [1, 1, 2, 2, 2, 2, 2],
        NumResBlocks = 2,
        AttnResolutions = [16],
        Dropout = 0,
        Fir = true,
        FirKernel = [1, 3, 3, 1],
        SigmaMin = 0.01,
        SigmaMax = 348,
        NumScales = 2000,
    };

    /// <summary>The preset called <paramref name="name"/> (case-insensitive): mnist-small, tiny, ffhq256.</summary>
    public static NcsnPpConfig Named(string name) => name.Replace("-", "").Replace("_", "").ToLowerInvariant() switch
    {
        "mnistsmall" or "mnist" => MnistSmall,
        "tiny" => Tiny,
        "ffhq256" => Ffhq256,
        _ => throw new ArgumentException($"unknown NCSN++ preset '{name}'; known: mnist-small, tiny, ffhq256", nameof(name)),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException($"invalid NcsnPpConfig: {message}");
            }
        }

        Require(NumChannels > 0, $"NumChannels must be positive, got {NumChannels}");
        Require(Nf >= 4, $"Nf must be at least 4 (GroupNorm takes Nf / 4 groups), got {Nf}");
        Require(ChMult is { Length: > 0 } && ChMult.All(m => m > 0), "ChMult must be a non-empty list of positive numbers");
        Require(ImageSize > 0 && ImageSize % (1 << (Levels - 1)) == 0, $"ImageSize {ImageSize} must be divisible by 2^(levels - 1) = {1 << (Levels - 1)}");
        Require(NumResBlocks > 0, $"NumResBlocks must be positive, got {NumResBlocks}");
        Require(AttnResolutions is not null, "AttnResolutions must not be null (use [])");
        Require(Dropout >= 0 && Dropout < 1, $"Dropout must be in [0, 1), got {Dropout}");
        Require(FirKernel is { Length: >= 2 } && FirKernel.Sum() != 0, "FirKernel must have at least 2 taps with a non-zero sum");
        Require(ResblockType == "biggan", $"ResblockType '{ResblockType}' is not implemented (only 'biggan')");
        Require(Progressive is "none" or "output_skip", $"Progressive '{Progressive}' is not implemented (only 'none', 'output_skip')");
        Require(ProgressiveInput is "none" or "input_skip", $"ProgressiveInput '{ProgressiveInput}' is not implemented (only 'none', 'input_skip')");
        Require(ProgressiveCombine is "sum" or "cat", $"ProgressiveCombine must be 'sum' or 'cat', got '{ProgressiveCombine}'");
        Require(InitScale >= 0 && FourierScale > 0, "InitScale must be non-negative and FourierScale positive");
        Require(SigmaMin > 0 && SigmaMax > SigmaMin && NumScales > 0, $"need 0 < SigmaMin < SigmaMax and NumScales > 0, got {SigmaMin}, {SigmaMax}, {NumScales}");
    }

    /// <summary>
    /// A lower bound on the network's parameter count: every residual block of level l holds a 3×3 convolution from
    /// c_l = <see cref="Nf"/> · m_l channels to c_l channels, so Σ_l <see cref="NumResBlocks"/> · 9 · c_l² (see
    /// <see cref="UNetConfig.MinimumParameters"/> for its use). Saturates at <see cref="long.MaxValue"/>.
    /// </summary>
    public long MinimumParameters()
    {
        try
        {
            long total = 0;
            foreach (int m in ChMult ?? [])
            {
                long c = checked((long)Nf * m);
                total = checked(total + checked((long)NumResBlocks * 9 * c * c));
            }
            return total;
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>The config as indented JSON (snake_case names, as score_sde_pytorch's config fields).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a config written by <see cref="ToJson"/>; missing fields keep their defaults.</summary>
    public static NcsnPpConfig FromJson(string json) =>
        JsonSerializer.Deserialize<NcsnPpConfig>(json, JsonOptions) ?? throw new ArgumentException("the JSON is not an NCSN++ config", nameof(json));

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Equal when every field is equal (arrays compared element by element).</summary>
    public bool Equals(NcsnPpConfig? other) => other is not null && ToJson() == other.ToJson();

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(NumChannels, ImageSize, Nf, ChMult.Length, NumResBlocks, Fir, SigmaMax);

    /// <summary>A one-line description.</summary>
    public override string ToString() =>
        $"NCSN++ {ImageSize}x{ImageSize}x{NumChannels}, nf {Nf} x [{string.Join(", ", ChMult)}], {NumResBlocks} blocks/level, " +
        $"attention at [{string.Join(", ", AttnResolutions)}], dropout {Dropout}, {(Fir ? $"FIR [{string.Join(", ", FirKernel)}]" : "no FIR")}, " +
        $"{Progressive}/{ProgressiveInput}/{ProgressiveCombine}, VE sigma [{SigmaMin}, {SigmaMax}], N {NumScales}";
}
