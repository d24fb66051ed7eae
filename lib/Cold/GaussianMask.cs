using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cold;

/// <summary>
/// Gaussian-mask inpainting (Bansal et al. 2022): D(x, s) = m_s ⊙ x with m_s(p) = 1 − exp(−‖p − c‖² / (2 (s·σ₁)²)) for s &gt; 0
/// and m_0 = 1, where p runs over pixel centres (row, column), c is the image's mask centre and σ₁ the growth per level. The
/// mask grows with s (m_s decreases at every pixel), is continuous in s for c off the pixel grid (a centre drawn from a
/// continuous distribution), and D is linear in x. Masked pixels go to 0, the middle grey of images in [−1, 1].
/// </summary>
public sealed class GaussianMask : Degradation
{
    private readonly Tensor? _centres;

    /// <summary>T levels, σ(s) = s·<paramref name="sigmaPerLevel"/>; centres are drawn uniformly in [lo, hi]² (pixels) per image.</summary>
    public GaussianMask(int t, double sigmaPerLevel, double centreLow, double centreHigh) : this(t, sigmaPerLevel, centreLow, centreHigh, null)
    {
    }

    private GaussianMask(int t, double sigmaPerLevel, double centreLow, double centreHigh, Tensor? centres) : base(t)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigmaPerLevel);
        if (!(centreLow <= centreHigh))
        {
            throw new ArgumentOutOfRangeException(nameof(centreLow), $"the centre range [{centreLow}, {centreHigh}] is empty");
        }
        SigmaPerLevel = sigmaPerLevel;
        CentreLow = centreLow;
        CentreHigh = centreHigh;
        _centres = centres;
    }

    /// <summary>The MNIST setting of this course: T = 20, σ(s) = 0.4 s pixels (σ_T = 8), centre uniform in [6, 21]².</summary>
    public static GaussianMask Mnist() => new(20, 0.4, 6.0, 21.0);

    /// <summary>σ₁, the mask's standard deviation per level (pixels).</summary>
    public double SigmaPerLevel { get; }

    /// <summary>The smallest centre coordinate.</summary>
    public double CentreLow { get; }

    /// <summary>The largest centre coordinate.</summary>
    public double CentreHigh { get; }

    /// <summary>The bound centres [B, 2] (row, column), or null for an unbound mask (then <see cref="ForBatch"/> first).</summary>
    public Tensor? Centres => _centres;

    /// <inheritdoc/>
    public override string Name => "mask";

    /// <inheritdoc/>
    public override string Describe() =>
        $"Gaussian mask inpainting: x * (1 - exp(-|p - c|^2 / (2 (s * {SigmaPerLevel})^2))), centre c uniform in [{CentreLow}, {CentreHigh}]^2 per image, masked pixels -> 0 (grey in [-1, 1]), T = {T}";

    /// <summary>The same mask with the given centres [B, 2] (row, column in pixels).</summary>
    public GaussianMask WithCentres(Tensor centres)
    {
        ArgumentNullException.ThrowIfNull(centres);
        if (centres.dim() != 2 || centres.shape[1] != 2)
        {
            throw new ArgumentException($"mask centres must be [B, 2], got {Shapes.Format(centres)}", nameof(centres));
        }
        return new GaussianMask(T, SigmaPerLevel, CentreLow, CentreHigh, centres.to(ScalarType.Float64).detach().clone().DetachFromDisposeScope());
    }

    /// <summary>Draws a centre per image, uniform in [<see cref="CentreLow"/>, <see cref="CentreHigh"/>]², from <paramref name="generator"/>.</summary>
    public override Degradation ForBatch(long batch, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var u = rand([batch, 2], dtype: ScalarType.Float64, generator: generator);
        return WithCentres(CentreLow + (CentreHigh - CentreLow) * u);
    }

    /// <summary>The mask m_s [B, 1, H, W] (float64) for severities <paramref name="s"/> [B].</summary>
    public Tensor Mask(Tensor s, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(s);
        var centres = _centres ?? throw new InvalidOperationException("the mask has no centres: call ForBatch or WithCentres first");
        if (s.dim() != 1 || s.shape[0] != centres.shape[0])
        {
            throw new ArgumentException($"mask: severities must be [B] = [{centres.shape[0]}] (the bound centres), got {Shapes.Format(s)}", nameof(s));
        }
        using var scope = NewDisposeScope();
        var sd = s.to(ScalarType.Float64).cpu();
        var rows = arange(height, dtype: ScalarType.Float64).reshape(1, -1, 1);
        var cols = arange(width, dtype: ScalarType.Float64).reshape(1, 1, -1);
        var dr = rows - centres[.., 0].reshape(-1, 1, 1);
        var dc = cols - centres[.., 1].reshape(-1, 1, 1);
        var r2 = dr * dr + dc * dc;
        var sigma = (sd * SigmaPerLevel).reshape(-1, 1, 1);
        var mask = 1 - (-r2 / (2 * sigma * sigma).clamp_min(1e-300)).exp();
        mask = where(sigma > 0, mask, ones_like(mask));
        return mask.unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override Tensor ApplyChecked(Tensor x, Tensor s)
    {
        if (_centres is not null && _centres.shape[0] != x.shape[0])
        {
            throw new ArgumentException($"mask: bound to {_centres.shape[0]} centres but the images are {Shapes.Format(x)}", nameof(x));
        }
        return x * Mask(s, x.shape[2], x.shape[3]).to(x.dtype).to(x.device);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing) => _centres?.Dispose();
}
