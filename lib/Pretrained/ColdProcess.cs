using System.Text.Json.Serialization;
using Diffusion.Cold;

namespace Diffusion.Pretrained;

/// <summary>
/// Cold diffusion (Bansal et al. 2022): a deterministic degradation D(x, s) of T levels and a restorer R(x_s, s) that predicts x_0,
/// data in [−1, 1]. Card section: <c>{"kind": "cold", "degradation": {"kind": "blur", "T": 40, "kernelSize": 11, "sigma": 7}, …}</c>.
/// </summary>
public sealed record ColdProcess : ModelProcess
{
    /// <summary>The section's <c>kind</c>.</summary>
    public const string Kind = "cold";

    /// <summary>D and its parameters.</summary>
    public required ColdDegradation Degradation { get; init; }

    /// <summary>The process of a restorer for <paramref name="degradation"/> (its parameters read from the object), with its description.</summary>
    public static ColdProcess For(Degradation degradation)
    {
        ArgumentNullException.ThrowIfNull(degradation);
        return new ColdProcess
        {
            Degradation = ColdDegradation.Of(degradation),
            Description = $"cold diffusion, {degradation.Describe()}; R(x_s, s) predicts x_0, L1 loss, s ~ U{{1..T}}",
        };
    }

    /// <inheritdoc/>
    public override void Validate(string source = "model card")
    {
        base.Validate(source);
        if (Degradation is null)
        {
            throw new InvalidDataException($"{source}: a cold process needs a degradation ({string.Join(", ", ColdDegradation.Kinds)})");
        }
        Degradation.Validate(source);
    }
}

/// <summary>The degradation of a <see cref="ColdProcess"/> as data: one subtype per <see cref="Cold.Degradation"/> of the course, named by <c>kind</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(BlurDegradation), "blur")]
[JsonDerivedType(typeof(MaskDegradation), "mask")]
[JsonDerivedType(typeof(SuperResolutionDegradation), "sr")]
public abstract record ColdDegradation
{
    /// <summary>The kinds a card may name.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["blur", "mask", "sr"];

    /// <summary>Makes D (the caller disposes it).</summary>
    public abstract Degradation Create();

    /// <summary>The parameters of <paramref name="degradation"/>, for the card.</summary>
    /// <exception cref="ArgumentException">A degradation this section cannot describe.</exception>
    public static ColdDegradation Of(Degradation degradation) => degradation switch
    {
        CumulativeBlur b => new BlurDegradation(b.T, b.KernelSize, b.Sigma),
        GaussianMask m => new MaskDegradation(m.T, m.SigmaPerLevel, m.CentreLow, m.CentreHigh),
        BlockSuperResolution r => new SuperResolutionDegradation(r.ImageSize, r.Resolutions[^1]),
        null => throw new ArgumentNullException(nameof(degradation)),
        _ => throw new ArgumentException($"a model card can describe the course's degradations ({string.Join(", ", Kinds)}), not {degradation.GetType().Name}", nameof(degradation)),
    };

    /// <summary>Checks that <see cref="Create"/> will succeed; throws <see cref="InvalidDataException"/> naming the card.</summary>
    public void Validate(string source)
    {
        try
        {
            Create().Dispose();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: the cold process's degradation {this} is not valid: {e.Message}", e);
        }
    }
}

/// <summary><see cref="CumulativeBlur"/>: T recursive applications of a Gaussian kernel of size <paramref name="KernelSize"/> and σ <paramref name="Sigma"/>.</summary>
/// <param name="T">T, the number of levels.</param>
/// <param name="KernelSize">The odd kernel size.</param>
/// <param name="Sigma">The kernel's σ in pixels.</param>
public sealed record BlurDegradation([property: JsonPropertyName("T")] int T, int KernelSize, double Sigma) : ColdDegradation
{
    /// <inheritdoc/>
    public override Degradation Create() => new CumulativeBlur(T, KernelSize, Sigma);
}

/// <summary><see cref="GaussianMask"/>: T levels of a Gaussian mask of σ(s) = s <paramref name="SigmaPerLevel"/>, centred uniformly in [<paramref name="CentreLow"/>, <paramref name="CentreHigh"/>]².</summary>
/// <param name="T">T, the number of levels.</param>
/// <param name="SigmaPerLevel">σ₁ in pixels.</param>
/// <param name="CentreLow">The lowest centre coordinate (pixels).</param>
/// <param name="CentreHigh">The highest centre coordinate (pixels).</param>
public sealed record MaskDegradation([property: JsonPropertyName("T")] int T, double SigmaPerLevel, double CentreLow, double CentreHigh) : ColdDegradation
{
    /// <inheritdoc/>
    public override Degradation Create() => new GaussianMask(T, SigmaPerLevel, CentreLow, CentreHigh);
}

/// <summary><see cref="BlockSuperResolution"/>: block means halving <paramref name="ImageSize"/> down to <paramref name="FinalSize"/> pixels.</summary>
/// <param name="ImageSize">H = W of the images.</param>
/// <param name="FinalSize">The coarsest level's size.</param>
public sealed record SuperResolutionDegradation(int ImageSize, int FinalSize) : ColdDegradation
{
    /// <inheritdoc/>
    public override Degradation Create() => new BlockSuperResolution(ImageSize, FinalSize);
}
