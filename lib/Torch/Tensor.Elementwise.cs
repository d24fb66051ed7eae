namespace Diffusion.Tensors;

public sealed partial class Tensor
{
    /// <summary>Elementwise |x|.</summary>
    public Tensor Abs() => Wrap(NativeMethods.dt_abs(Handle, out var r), r, "abs", this);

    /// <summary>Elementwise x^<paramref name="exponent"/>.</summary>
    public Tensor Pow(double exponent) => Wrap(NativeMethods.dt_pow_scalar(Handle, exponent, out var r), r, "pow", this);

    /// <summary>Elementwise x^e, broadcasting.</summary>
    public Tensor Pow(Tensor exponent) => Wrap(NativeMethods.dt_pow(Handle, exponent.Handle, out var r), r, "pow", this, exponent);

    /// <summary>Elementwise x².</summary>
    public Tensor Square() => Wrap(NativeMethods.dt_square(Handle, out var r), r, "square", this);

    /// <summary>Elementwise 1/√x.</summary>
    public Tensor Rsqrt() => Wrap(NativeMethods.dt_rsqrt(Handle, out var r), r, "rsqrt", this);

    /// <summary>Elementwise 1/x.</summary>
    public Tensor Reciprocal() => Wrap(NativeMethods.dt_reciprocal(Handle, out var r), r, "reciprocal", this);

    /// <summary>Elementwise sine.</summary>
    public Tensor Sin() => Wrap(NativeMethods.dt_sin(Handle, out var r), r, "sin", this);

    /// <summary>Elementwise cosine.</summary>
    public Tensor Cos() => Wrap(NativeMethods.dt_cos(Handle, out var r), r, "cos", this);

    /// <summary>Elementwise hyperbolic tangent.</summary>
    public Tensor Tanh() => Wrap(NativeMethods.dt_tanh(Handle, out var r), r, "tanh", this);

    /// <summary>Elementwise logistic function.</summary>
    /// <remarks>σ(x) = 1 / (1 + e^(−x)).</remarks>
    public Tensor Sigmoid() => Wrap(NativeMethods.dt_sigmoid(Handle, out var r), r, "sigmoid", this);

    /// <summary>Elementwise error function.</summary>
    /// <remarks>erf(x) = 2/√π ∫₀ˣ e^(−t²) dt.</remarks>
    public Tensor Erf() => Wrap(NativeMethods.dt_erf(Handle, out var r), r, "erf", this);

    /// <summary>Elementwise ln(1 + x), accurate for small x.</summary>
    public Tensor Log1p() => Wrap(NativeMethods.dt_log1p(Handle, out var r), r, "log1p", this);

    /// <summary>Elementwise e^x − 1, accurate for small x.</summary>
    public Tensor Expm1() => Wrap(NativeMethods.dt_expm1(Handle, out var r), r, "expm1", this);

    /// <summary>Elementwise base-2 logarithm.</summary>
    public Tensor Log2() => Wrap(NativeMethods.dt_log2(Handle, out var r), r, "log2", this);

    /// <summary>Elementwise base-10 logarithm.</summary>
    public Tensor Log10() => Wrap(NativeMethods.dt_log10(Handle, out var r), r, "log10", this);

    /// <summary>Elementwise round down.</summary>
    public Tensor Floor() => Wrap(NativeMethods.dt_floor(Handle, out var r), r, "floor", this);

    /// <summary>Elementwise round up.</summary>
    public Tensor Ceil() => Wrap(NativeMethods.dt_ceil(Handle, out var r), r, "ceil", this);

    /// <summary>Elementwise round to nearest, halves to even (as PyTorch).</summary>
    public Tensor Round() => Wrap(NativeMethods.dt_round(Handle, out var r), r, "round", this);

    /// <summary>Elementwise round toward zero.</summary>
    public Tensor Trunc() => Wrap(NativeMethods.dt_trunc(Handle, out var r), r, "trunc", this);

    /// <summary>Elementwise sign: −1, 0 or 1.</summary>
    public Tensor Sign() => Wrap(NativeMethods.dt_sign(Handle, out var r), r, "sign", this);

    /// <summary>Elementwise four-quadrant arctangent of this / <paramref name="other"/>.</summary>
    public Tensor Atan2(Tensor other) => Wrap(NativeMethods.dt_atan2(Handle, other.Handle, out var r), r, "atan2", this, other);

    /// <summary>Elementwise maximum, broadcasting (NaN propagates).</summary>
    public Tensor Maximum(Tensor other) => Wrap(NativeMethods.dt_maximum(Handle, other.Handle, out var r), r, "maximum", this, other);

    /// <summary>Elementwise minimum, broadcasting (NaN propagates).</summary>
    public Tensor Minimum(Tensor other) => Wrap(NativeMethods.dt_minimum(Handle, other.Handle, out var r), r, "minimum", this, other);

    /// <summary>Elementwise remainder with the sign of the divisor (Python's %).</summary>
    public Tensor Remainder(Tensor other) => Wrap(NativeMethods.dt_remainder(Handle, other.Handle, out var r), r, "remainder", this, other);

    /// <summary>Elementwise remainder with the sign of the divisor (Python's %).</summary>
    public Tensor Remainder(double divisor) => Wrap(NativeMethods.dt_remainder_scalar(Handle, divisor, out var r), r, "remainder", this);

    /// <summary>Limits every element to [<paramref name="min"/>, <paramref name="max"/>]; a null bound is not applied.</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null)
        {
            throw new ArgumentException("Clamp needs at least one of min and max");
        }
        return Wrap(NativeMethods.dt_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0, out var r), r, "clamp", this);
    }

    /// <summary>Elementwise max(x, <paramref name="min"/>).</summary>
    public Tensor ClampMin(double min) => Wrap(NativeMethods.dt_clamp_min(Handle, min, out var r), r, "clamp_min", this);

    /// <summary>Elementwise min(x, <paramref name="max"/>).</summary>
    public Tensor ClampMax(double max) => Wrap(NativeMethods.dt_clamp_max(Handle, max, out var r), r, "clamp_max", this);

    /// <summary>Linear interpolation toward <paramref name="end"/>.</summary>
    /// <remarks>out = x + weight · (end − x).</remarks>
    public Tensor Lerp(Tensor end, double weight) => Wrap(NativeMethods.dt_lerp(Handle, end.Handle, weight, out var r), r, "lerp", this, end);

    /// <summary>Linear interpolation toward <paramref name="end"/> with elementwise weights.</summary>
    /// <remarks>out = x + weight · (end − x).</remarks>
    public Tensor Lerp(Tensor end, Tensor weight) => Wrap(NativeMethods.dt_lerp_tensor(Handle, end.Handle, weight.Handle, out var r), r, "lerp", this, end, weight);
}
