using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// How 8-bit data reach the model's range, and the bits/dim correction that follows. Pixels k ∈ {0, …, 255} are dequantised to
/// u = (k + U) / 256 ∈ [0, 1), U ~ U[0, 1)^D (uniform dequantisation), then mapped affinely to the model's range,
/// x = a u + b (the data scaler; its inverse u = (x − b)/a is score_sde_pytorch's <c>inverse_scaler</c>).
/// </summary>
/// <remarks>
/// With p_u(u) = p_x(a u + b) a^D and P(k) ≥ 256^{−D} exp E_U[log p_u((k + U)/256)] (Jensen), the discrete negative
/// log-likelihood per dimension in bits is bounded by
/// bits/dim = −log p_x(x) / (D ln 2) + 8 − log₂ a = −log p_x(x) / (D ln 2) + 8 + log₂ |d inverse_scaler/dx|.
/// The offset is 8 for [0, 1] data (a = 1) and 7 for [−1, 1] data (a = 2). score_sde_pytorch writes it as
/// <c>offset = 7 − inverse_scaler(−1)</c>, which equals 8 − log₂ a for exactly these two scalers; this type uses the general
/// formula.
/// </remarks>
/// <param name="Scale">a, the slope of x = a u + b (positive).</param>
/// <param name="Shift">b.</param>
public sealed record DataScaling(double Scale, double Shift)
{
    /// <summary>Data in [0, 1] (x = u): VE models in score_sde_pytorch; bits/dim offset 8.</summary>
    public static DataScaling ZeroOne { get; } = new(1, 0);

    /// <summary>Data in [−1, 1] (x = 2u − 1, <c>data.centered</c>): DDPM and VP models; bits/dim offset 7.</summary>
    public static DataScaling MinusOneOne { get; } = new(2, -1);

    /// <summary>The number of levels of 8-bit data.</summary>
    public const int Levels = 256;

    /// <summary>The bits/dim added to −log p_x / (D ln 2): 8 − log₂ a (8 bits for the 256 bins, then the scaler's log-Jacobian).</summary>
    public double BitsPerDimOffset
    {
        get
        {
            if (!(Scale > 0))
            {
                throw new InvalidOperationException($"the data scale a must be positive, got {Scale}");
            }
            return Math.Log2(Levels) - Math.Log2(Scale);
        }
    }

    /// <summary>x = a u + b.</summary>
    public Tensor ToModel(Tensor u)
    {
        ArgumentNullException.ThrowIfNull(u);
        return u * Scale + Shift;
    }

    /// <summary>u = (x − b) / a (the inverse scaler).</summary>
    public Tensor ToData(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return (x - Shift) / Scale;
    }

    /// <summary>
    /// Uniform dequantisation u = (k + U) / 256, U ~ U[0, 1) drawn from <paramref name="generator"/>, for integer pixel values
    /// k ∈ {0, …, 255} of any dtype; the result has <paramref name="dtype"/>.
    /// </summary>
    public static Tensor Dequantize(Tensor pixels, Generator? generator = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        using var scope = torch.NewDisposeScope();
        var k64 = pixels.to(ScalarType.Float64);
        double min = k64.min().item<double>(), max = k64.max().item<double>();
        if (min < 0 || max > Levels - 1 || !k64.eq(k64.round()).all().item<bool>())
        {
            throw new ArgumentException($"8-bit pixels must be integers in 0 … 255, got values in [{min}, {max}]", nameof(pixels));
        }
        var u = (pixels.to(dtype) + torch.rand(pixels.shape, dtype: dtype, device: pixels.device, generator: generator)) / Levels;
        return u.MoveToOuterDisposeScope();
    }
}
