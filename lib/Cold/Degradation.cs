using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cold;

/// <summary>
/// A deterministic cold-diffusion degradation D(x, s) (Bansal et al. 2022) of images x [B, C, H, W] at severity s ∈ [0, T]:
/// D(x, 0) = x, and D is continuous in s. Every degradation of the course is linear in x, which makes Algorithm 2 exact
/// (see <see cref="ColdAlgorithm2"/>).
/// </summary>
public abstract class Degradation : IDisposable
{
    /// <summary>A degradation with <paramref name="t"/> integer levels above 0.</summary>
    protected Degradation(int t)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(t, 1);
        T = t;
    }

    /// <summary>The largest severity T (the fully degraded level).</summary>
    public int T { get; }

    /// <summary>A short name ("blur", "mask", "sr").</summary>
    public abstract string Name { get; }

    /// <summary>One line stating the definition and its settings (for cards and JSON results).</summary>
    public abstract string Describe();

    /// <summary>D(x, s) with one severity for the whole batch.</summary>
    public Tensor Apply(Tensor x, double s)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckImages(x);
        using var scope = NewDisposeScope();
        var severities = full([x.shape[0]], s, dtype: ScalarType.Float64);
        return Apply(x, severities).MoveToOuterDisposeScope();
    }

    /// <summary>D(x_b, s_b) for every image b: <paramref name="s"/> is [B] (any real dtype), each in [0, T].</summary>
    public Tensor Apply(Tensor x, Tensor s)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(s);
        CheckImages(x);
        if (s.dim() != 1 || s.shape[0] != x.shape[0])
        {
            throw new ArgumentException($"{Name}: severities must be [B] = [{x.shape[0]}] for images {Shapes.Format(x)}, got {Shapes.Format(s)}", nameof(s));
        }
        using var scope = NewDisposeScope();
        var sd = s.to(ScalarType.Float64).cpu();
        double lo = sd.min().ToDouble(), hi = sd.max().ToDouble();
        if (double.IsNaN(lo) || lo < 0 || hi > T)
        {
            throw new ArgumentOutOfRangeException(nameof(s), $"{Name}: severities must lie in [0, {T}], got [{lo}, {hi}]");
        }
        return ApplyChecked(x, sd.to(x.device)).MoveToOuterDisposeScope();
    }

    /// <summary>The same degradation bound to a batch of <paramref name="batch"/> images: draws any per-image randomness
    /// (the mask's centre) from <paramref name="generator"/>. Deterministic degradations return themselves.</summary>
    public virtual Degradation ForBatch(long batch, Generator? generator = null) => this;

    /// <summary>Frees cached tensors (if any).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees cached tensors; override when the degradation caches any.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>D(x, s) for checked inputs; <paramref name="s"/> is float64 [B] on x's device.</summary>
    protected abstract Tensor ApplyChecked(Tensor x, Tensor s);

    /// <summary>Checks that x is [B, C, H, W] with the sizes the degradation needs.</summary>
    protected virtual void CheckImages(Tensor x)
    {
        if (x.dim() != 4)
        {
            throw new ArgumentException($"{Name}: expects images [B, C, H, W], got {Shapes.Format(x)}", nameof(x));
        }
    }

    /// <summary>The weights of the linear interpolation between integer levels: ⌊s⌋, ⌈s⌉ (int64 [B]) and f = s − ⌊s⌋ (x's dtype, [B, 1, 1, 1]).</summary>
    protected static (Tensor Lower, Tensor Upper, Tensor Fraction) Levels(Tensor s, ScalarType dtype)
    {
        var lower = s.floor();
        var fraction = (s - lower).to(dtype).reshape(-1, 1, 1, 1);
        return (lower.to(ScalarType.Int64), s.ceil().to(ScalarType.Int64), fraction);
    }
}
