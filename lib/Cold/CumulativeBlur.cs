using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cold;

/// <summary>
/// Cumulative Gaussian blur (Bansal et al. 2022, the deblurring degradation): D(x, n) = G * G * … * x (n recursive
/// applications of one k×k Gaussian kernel G of standard deviation σ, normalised to sum 1), with circular padding (the
/// image is treated as periodic, as the <c>padding_mode='circular'</c> convolution of Bansal et al.'s public code does). Between integer levels
/// D(x, s) = (1 − f) D(x, ⌊s⌋) + f D(x, ⌈s⌉), f = s − ⌊s⌋, so D is continuous and linear in s and x.
/// </summary>
/// <remarks>
/// A circular convolution is diagonal in the discrete Fourier basis: D(x, s) = Re F⁻¹[F(x) · ((1 − f) Ĝ^⌊s⌋ + f Ĝ^⌈s⌉)],
/// with Ĝ = F(G placed with its centre at pixel (0, 0)); Ĝ is real because G is symmetric. The powers Ĝ^n (n = 0 … T) are
/// computed once per image size. Because Ĝ(0) = ΣG = 1 the blur keeps every channel's mean, and since |Ĝ| &lt; 1 at every
/// other frequency, D(x, n) tends to the per-channel mean as n grows.
/// </remarks>
public sealed class CumulativeBlur : Degradation
{
    private readonly Dictionary<(long H, long W), Tensor> _powers = [];

    /// <summary>T recursive applications of a <paramref name="kernelSize"/>² kernel with standard deviation <paramref name="sigma"/>.</summary>
    public CumulativeBlur(int t, int kernelSize, double sigma) : base(t)
    {
        if (kernelSize < 1 || kernelSize % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"the kernel size must be odd and positive, got {kernelSize}");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        KernelSize = kernelSize;
        Sigma = sigma;
    }

    /// <summary>The MNIST setting of this course: T = 40 applications of an 11×11 kernel with σ = 7.</summary>
    public static CumulativeBlur Mnist() => new(40, 11, 7.0);

    /// <summary>The kernel size k.</summary>
    public int KernelSize { get; }

    /// <summary>The kernel's standard deviation σ (pixels).</summary>
    public double Sigma { get; }

    /// <inheritdoc/>
    public override string Name => "blur";

    /// <inheritdoc/>
    public override string Describe() =>
        $"cumulative Gaussian blur: s recursive applications of a {KernelSize}x{KernelSize} kernel, sigma {Sigma}, circular padding, T = {T}, linear between integer s";

    /// <summary>The normalised kernel G [k, k] (float64): G_ij ∝ exp(−(i² + j²) / (2σ²)), i, j = −k/2 … k/2, ΣG = 1.</summary>
    public Tensor Kernel()
    {
        using var scope = NewDisposeScope();
        int half = KernelSize / 2;
        var offsets = arange(-half, half + 1, dtype: ScalarType.Float64);
        var g1 = (-(offsets * offsets) / (2 * Sigma * Sigma)).exp();
        var g = outer(g1, g1);
        return (g / g.sum()).MoveToOuterDisposeScope();
    }

    /// <summary>One application of G with circular padding by direct convolution (the definition; the tests compare against it).</summary>
    public Tensor BlurOnce(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckImages(x);
        using var scope = NewDisposeScope();
        int half = KernelSize / 2;
        long c = x.shape[1];
        var weight = Kernel().to(x.dtype).to(x.device).reshape(1, 1, KernelSize, KernelSize).expand(c, 1, KernelSize, KernelSize).contiguous();
        var padded = nn.functional.pad(x, [half, half, half, half], PaddingModes.Circular);
        // One image and one channel at a time: a depthwise convolution, free of oneDNN's batched small-channel bug.
        var images = new List<Tensor>();
        for (long b = 0; b < x.shape[0]; b++)
        {
            var channels = new List<Tensor>();
            for (long ch = 0; ch < c; ch++)
            {
                channels.Add(nn.functional.conv2d(padded[b, ch].reshape(1, 1, padded.shape[2], padded.shape[3]), weight[ch].unsqueeze(0)));
            }
            images.Add(cat(channels, 1));
        }
        return cat(images, 0).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        lock (_powers)
        {
            foreach (var t in _powers.Values)
            {
                t.Dispose();
            }
            _powers.Clear();
        }
    }

    /// <inheritdoc/>
    protected override void CheckImages(Tensor x)
    {
        base.CheckImages(x);
        if (x.shape[2] < KernelSize || x.shape[3] < KernelSize)
        {
            throw new ArgumentException($"blur: images {Shapes.Format(x)} are smaller than the {KernelSize}x{KernelSize} kernel", nameof(x));
        }
    }

    /// <inheritdoc/>
    protected override Tensor ApplyChecked(Tensor x, Tensor s)
    {
        var powers = Powers(x.shape[2], x.shape[3]).to(x.device);
        var (lower, upper, fraction) = Levels(s, ScalarType.Float64);
        var multiplier = (1 - fraction) * powers.index_select(0, lower).unsqueeze(1) + fraction * powers.index_select(0, upper).unsqueeze(1);
        var spectrum = fft.fft2(x.to(ScalarType.Float64));
        return fft.ifft2(spectrum * multiplier).real.to(x.dtype);
    }

    /// <summary>Ĝ^n for n = 0 … T on an H×W grid, [T + 1, H, W] float64 (cached).</summary>
    private Tensor Powers(long h, long w)
    {
        lock (_powers)
        {
            if (_powers.TryGetValue((h, w), out var cached))
            {
                return cached;
            }
            using var scope = NewDisposeScope();
            int half = KernelSize / 2;
            var placed = zeros([h, w], dtype: ScalarType.Float64);
            var g = Kernel();
            for (int i = -half; i <= half; i++)
            {
                for (int j = -half; j <= half; j++)
                {
                    long r = ((i % h) + h) % h, c = ((j % w) + w) % w;
                    placed[r, c] += g[i + half, j + half];
                }
            }
            var transfer = fft.fft2(placed).real;
            var levels = new List<Tensor> { ones([h, w], dtype: ScalarType.Float64) };
            for (int n = 1; n <= T; n++)
            {
                levels.Add(levels[^1] * transfer);
            }
            var powers = stack(levels).DetachFromDisposeScope();
            _powers[(h, w)] = powers;
            return powers;
        }
    }
}
