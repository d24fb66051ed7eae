using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cold;

/// <summary>
/// Super-resolution by repeated halving (Bansal et al. 2022): level n averages the image down to r_n × r_n with
/// r_0 = H, r_{n+1} = ⌈r_n / 2⌉ (28 → 14 → 7 → 4), and up-samples it back to H × W by nearest neighbour; T is the number of
/// halvings. Every r_n must divide H (and W), so that level n replaces each (H/r_n)² block by its mean: a linear projection
/// that keeps the image mean. Between levels D(x, s) = (1 − f) D(x, ⌊s⌋) + f D(x, ⌈s⌉).
/// </summary>
public sealed class BlockSuperResolution : Degradation
{
    /// <summary>Halving down to <paramref name="finalSize"/> pixels for images of <paramref name="imageSize"/> pixels.</summary>
    public BlockSuperResolution(int imageSize, int finalSize) : base(LevelCount(imageSize, finalSize))
    {
        ImageSize = imageSize;
        Resolutions = [.. ResolutionsFor(imageSize, finalSize)];
        foreach (var r in Resolutions)
        {
            if (imageSize % r != 0)
            {
                throw new ArgumentException($"super-resolution: the level size {r} does not divide the image size {imageSize}", nameof(imageSize));
            }
        }
    }

    /// <summary>The MNIST setting: 28 → 14 → 7 → 4 (T = 3).</summary>
    public static BlockSuperResolution Mnist() => new(28, 4);

    /// <summary>The image size H = W.</summary>
    public int ImageSize { get; }

    /// <summary>r_n for n = 0 … T.</summary>
    public IReadOnlyList<int> Resolutions { get; }

    /// <inheritdoc/>
    public override string Name => "sr";

    /// <inheritdoc/>
    public override string Describe() =>
        $"super-resolution: block means at {string.Join(" -> ", Resolutions)} pixels, nearest up-sampling to {ImageSize}, T = {T}, linear between integer s";

    /// <summary>D(x, n) for an integer level: each (H/r_n)² block replaced by its mean.</summary>
    public Tensor Level(Tensor x, int n)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckImages(x);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, T);
        using var scope = NewDisposeScope();
        int block = ImageSize / Resolutions[n];
        if (block == 1)
        {
            return x.clone().MoveToOuterDisposeScope();
        }
        var pooled = nn.functional.avg_pool2d(x, block, block);
        return pooled.repeat_interleave(block, 2).repeat_interleave(block, 3).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override void CheckImages(Tensor x)
    {
        base.CheckImages(x);
        if (x.shape[2] != ImageSize || x.shape[3] != ImageSize)
        {
            throw new ArgumentException($"super-resolution: expects {ImageSize}x{ImageSize} images, got {Shapes.Format(x)}", nameof(x));
        }
    }

    /// <inheritdoc/>
    protected override Tensor ApplyChecked(Tensor x, Tensor s)
    {
        var levels = stack(Enumerable.Range(0, T + 1).Select(n => Level(x, n)).ToArray());
        var (lower, upper, fraction) = Levels(s, x.dtype);
        var batch = arange(x.shape[0], dtype: ScalarType.Int64, device: x.device);
        var low = levels.index([lower.to(x.device), batch]);
        var high = levels.index([upper.to(x.device), batch]);
        return (1 - fraction) * low + fraction * high;
    }

    private static int LevelCount(int imageSize, int finalSize) => ResolutionsFor(imageSize, finalSize).Count() - 1;

    private static IEnumerable<int> ResolutionsFor(int imageSize, int finalSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(finalSize, 1);
        if (imageSize <= finalSize)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"super-resolution: the image size {imageSize} must exceed the final size {finalSize}");
        }
        int r = imageSize;
        yield return r;
        while (r > finalSize)
        {
            r = (r + 1) / 2;
            yield return r;
        }
    }
}
