using Diffusion.Cold;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Cold;

public class DegradationTests
{
    private static Tensor Digits(int batch, ulong seed)
    {
        using var g = new Generator(seed);
        return rand([batch, 1, 28, 28], dtype: float64, generator: g) * 2 - 1;
    }

    [Fact]
    public void Blur_FourierFormEqualsRecursiveCircularConvolution()
    {
        using var scope = NewDisposeScope();
        using var blur = CumulativeBlur.Mnist();
        var x = Digits(3, 1);
        var recursive = x;
        for (int n = 1; n <= blur.T; n++)
        {
            recursive = blur.BlurOnce(recursive);
            if (n is 1 or 2 or 7 or 40)
            {
                double err = (blur.Apply(x, n) - recursive).abs().max().ToDouble();
                Assert.True(err < 1e-10, $"level {n}: |FFT - recursive conv| = {err}");
            }
        }
    }

    [Fact]
    public void Blur_KeepsTheMeanAndTendsToIt_ContinuousInS()
    {
        using var scope = NewDisposeScope();
        using var blur = CumulativeBlur.Mnist();
        var x = Digits(4, 2);
        var mean = x.mean([2, 3], keepdim: true);
        Assert.True((blur.Apply(x, 0) - x).abs().max().ToDouble() < 1e-12);
        double prev = double.PositiveInfinity;
        foreach (double s in new[] { 1.0, 5.0, 13.5, 40.0 })
        {
            var y = blur.Apply(x, s);
            Assert.True((y.mean([2, 3], keepdim: true) - mean).abs().max().ToDouble() < 1e-12);
            double dev = (y - mean).abs().max().ToDouble();
            Assert.True(dev < prev, $"deviation from the mean must shrink with s: {dev} at s = {s}");
            prev = dev;
        }
        Assert.True(prev < 1e-3, $"D(x, T) should be the mean; max deviation {prev}");
        // Continuity: D(x, 7 + ε) → D(x, 7); the midpoint is the average of the neighbours.
        Assert.True((blur.Apply(x, 7 + 1e-9) - blur.Apply(x, 7)).abs().max().ToDouble() < 1e-8);
        var mid = blur.Apply(x, 7.5);
        Assert.True((mid - (blur.Apply(x, 7) + blur.Apply(x, 8)) / 2).abs().max().ToDouble() < 1e-12);
    }

    [Fact]
    public void Blur_PerImageSeveritiesMatchSingleSeverity()
    {
        using var scope = NewDisposeScope();
        using var blur = CumulativeBlur.Mnist();
        var x = Digits(3, 3).to(float32);
        var s = tensor(new[] { 0.0, 3.25, 40.0 });
        var y = blur.Apply(x, s);
        for (int b = 0; b < 3; b++)
        {
            Assert.True((y[b] - blur.Apply(x[b].unsqueeze(0), s[b].ToDouble())[0]).abs().max().ToDouble() < 1e-6);
        }
        Assert.Equal(float32, y.dtype);
        var ex = Assert.Throws<ArgumentException>(() => blur.Apply(x, tensor(new[] { 1.0, 2.0 })));
        Assert.Contains("[3]", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => blur.Apply(x, 41.0));
        Assert.Throws<ArgumentException>(() => blur.Apply(zeros(28, 28), 1.0));
    }

    [Fact]
    public void Mask_IsIdentityAtZero_GrowsWithS_AndHidesTheCentre()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        using var unbound = GaussianMask.Mnist();
        using var mask = (GaussianMask)unbound.ForBatch(5, g);
        var c = mask.Centres!;
        Assert.True(c.min().ToDouble() >= 6 && c.max().ToDouble() <= 21);
        Assert.True(c.std().ToDouble() > 1, "centres must differ between images");
        var x = Digits(5, 5);
        Assert.True((mask.Apply(x, 0) - x).abs().max().ToDouble() == 0);
        var previous = ones([5, 1, 28, 28], dtype: float64);
        foreach (double s in new[] { 0.5, 1, 4, 10, 20 })
        {
            var m = mask.Mask(full([5], s, dtype: float64), 28, 28);
            Assert.True(m.min().ToDouble() >= 0 && m.max().ToDouble() <= 1);
            Assert.True((m - previous).max().ToDouble() <= 1e-15, $"the mask must grow with s (s = {s})");
            previous = m;
            // D(x, s) = m_s ⊙ x (linear in x).
            Assert.True((mask.Apply(x, s) - m * x).abs().max().ToDouble() < 1e-15);
        }
        // At s = T (σ = 8) the pixel nearest each centre is almost fully hidden: 1 − exp(−d²/128), d ≤ √0.5.
        var final = mask.Mask(full([5], 20.0, dtype: float64), 28, 28);
        for (int b = 0; b < 5; b++)
        {
            long row = (long)Math.Round(c[b, 0].ToDouble()), col = (long)Math.Round(c[b, 1].ToDouble());
            Assert.True(final[b, 0, row, col].ToDouble() < 0.004);
        }
        // Continuity at s = 0 (centre off the grid): m_ε → 1.
        Assert.True((mask.Mask(full([5], 1e-3, dtype: float64), 28, 28) - 1).abs().max().ToDouble() < 1e-6);
        Assert.Throws<InvalidOperationException>(() => unbound.Apply(x, 1.0));
    }

    [Fact]
    public void SuperResolution_LevelsAreBlockMeans_Idempotent_MeanPreserving()
    {
        using var scope = NewDisposeScope();
        using var sr = BlockSuperResolution.Mnist();
        Assert.Equal(3, sr.T);
        Assert.Equal(new[] { 28, 14, 7, 4 }, sr.Resolutions);
        var x = Digits(2, 6);
        var blocks = new[] { 1, 2, 4, 7 };
        for (int n = 0; n <= 3; n++)
        {
            var y = sr.Apply(x, n);
            int b = blocks[n];
            // The top-left block is constant and equals the block mean of x.
            var block = y[.., .., ..b, ..b];
            Assert.True((block - block.mean([2, 3], keepdim: true)).abs().max().ToDouble() < 1e-12);
            Assert.True((y[.., .., 0, 0] - x[.., .., ..b, ..b].mean([2, 3])).abs().max().ToDouble() < 1e-12);
            Assert.True((sr.Apply(y, n) - y).abs().max().ToDouble() < 1e-12, $"level {n} must be a projection");
            Assert.True((y.mean([2, 3]) - x.mean([2, 3])).abs().max().ToDouble() < 1e-12);
            Assert.Equal(28L * 28 / (b * b), y[0, 0].flatten().unique().Item1.shape[0]);
        }
        var half = sr.Apply(x, 1.5);
        Assert.True((half - (sr.Apply(x, 1) + sr.Apply(x, 2)) / 2).abs().max().ToDouble() < 1e-12);
        Assert.Throws<ArgumentException>(() => sr.Apply(zeros(1, 1, 32, 32), 1.0));
    }
}
