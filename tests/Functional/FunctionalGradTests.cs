using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.NnFunctional;

/// <summary>
/// Autograd's gradients of every op with parameters against central differences in float64
/// (<see cref="GradCheck"/>: ε = 1e-6, |analytic - numeric| ≤ 1e-5 + 1e-3 |numeric|). Inputs are small and seeded.
/// </summary>
public class FunctionalGradTests
{
    private static Tensor R(ulong seed, params long[] shape)
    {
        using var g = new Generator(seed);
        return Torch.Randn(shape, DType.Float64, generator: g);
    }

    [Fact]
    public void Linear_GradientsMatchFiniteDifferences()
    {
        using var scope = new TensorScope();
        GradCheck.Verify(a => Functional.Linear(a[0], a[1], a[2]), R(1, 3, 4), R(2, 2, 4), R(3, 2));
    }

    [Fact]
    public void Conv2d_GradientsMatchFiniteDifferences()
    {
        using var scope = new TensorScope();
        GradCheck.Verify(a => Functional.Conv2d(a[0], a[1], a[2], stride: (2, 1), padding: 1, dilation: (1, 2), groups: 2),
            R(4, 1, 4, 5, 5), R(5, 4, 2, 3, 2), R(6, 4));
    }

    [Fact]
    public void ConvTranspose2d_GradientsMatchFiniteDifferences()
    {
        using var scope = new TensorScope();
        GradCheck.Verify(a => Functional.ConvTranspose2d(a[0], a[1], a[2], stride: 2, padding: 1, outputPadding: 1),
            R(7, 1, 2, 3, 3), R(8, 2, 3, 3, 3), R(9, 3));
    }

    [Fact]
    public void GroupNorm_GradientsMatchFiniteDifferences()
    {
        using var scope = new TensorScope();
        GradCheck.Verify(a => Functional.GroupNorm(a[0], 2, a[1], a[2]), R(10, 2, 4, 3, 2), R(11, 4), R(12, 4));
    }

    [Fact]
    public void LayerNorm_GradientsMatchFiniteDifferences()
    {
        using var scope = new TensorScope();
        GradCheck.Verify(a => Functional.LayerNorm(a[0], [3, 4], a[1], a[2]), R(13, 2, 3, 4), R(14, 3, 4), R(15, 3, 4));
    }

    [Theory]
    [InlineData(InterpolationMode.Bilinear, false)]
    [InlineData(InterpolationMode.Bilinear, true)]
    [InlineData(InterpolationMode.Bicubic, false)]
    public void Interpolate_GradientsMatchFiniteDifferences(InterpolationMode mode, bool alignCorners)
    {
        using var scope = new TensorScope();
        GradCheck.Verify(a => Functional.Interpolate(a[0], size: (5, 7), mode: mode, alignCorners: alignCorners), R(16, 1, 2, 3, 4));
        GradCheck.Verify(a => Functional.Interpolate(a[0], scaleFactor: 1.5, mode: mode, alignCorners: alignCorners), R(17, 1, 1, 4, 4));
    }

    [Fact]
    public void SoftmaxAndLogSoftmax_GradientsMatchFiniteDifferences()
    {
        using var scope = new TensorScope();
        GradCheck.Verify(a => Functional.Softmax(a[0], 1), R(18, 3, 5));
        GradCheck.Verify(a => Functional.LogSoftmax(a[0], -1), R(19, 2, 3, 4));
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.None)]
    public void RegressionLosses_GradientsMatchFiniteDifferences(Reduction reduction)
    {
        using var scope = new TensorScope();
        // Randn draws keep |a - b| away from 0 and from beta = 0.5 (the kinks of L1 and smooth L1) with probability ~1 for these seeds.
        var a = R(20, 3, 4);
        var b = R(21, 3, 4);
        GradCheck.Verify(x => Functional.MseLoss(x[0], x[1], reduction), a, b);
        GradCheck.Verify(x => Functional.L1Loss(x[0], x[1], reduction), a, b);
        GradCheck.Verify(x => Functional.SmoothL1Loss(x[0], x[1], reduction, beta: 0.5), a, b);
    }

    [Fact]
    public void CrossEntropyAndNll_GradientsMatchFiniteDifferences()
    {
        using var scope = new TensorScope();
        var targets = Torch.FromArray(new long[] { 2, 0, 1, 2 });
        var weight = Torch.FromArray(new double[] { 0.5, 1.0, 2.0 });
        GradCheck.Verify(x => Functional.CrossEntropy(x[0], targets, labelSmoothing: 0.1), R(22, 4, 3));
        GradCheck.Verify(x => Functional.CrossEntropy(x[0], targets, Reduction.None, weight: weight), R(23, 4, 3));
        GradCheck.Verify(x => Functional.NllLoss(Functional.LogSoftmax(x[0], 1), targets, weight: weight), R(24, 4, 3));
    }

    [Fact]
    public void PoolingAndActivations_GradientsMatchFiniteDifferences()
    {
        using var scope = new TensorScope();
        GradCheck.Verify(a => Functional.AvgPool2d(a[0], 3, stride: 2, padding: 1), R(25, 1, 2, 5, 5));
        GradCheck.Verify(a => Functional.AdaptiveAvgPool2d(a[0], (2, 3)), R(26, 1, 1, 5, 7));
        GradCheck.Verify(a => Functional.MaxPool2d(a[0], 2), R(27, 1, 2, 4, 4));
        var x = R(28, 12);
        GradCheck.Verify(a => a[0].Silu(), x);
        GradCheck.Verify(a => a[0].Gelu(), x);
        GradCheck.Verify(a => a[0].Gelu(approximateTanh: true), x);
        GradCheck.Verify(a => a[0].Softplus(beta: 2), x);
        GradCheck.Verify(a => a[0].Elu(0.5), x);
        GradCheck.Verify(a => a[0].Mish(), x);
        GradCheck.Verify(a => a[0].LeakyRelu(0.2), x);
        GradCheck.Verify(a => a[0].Relu(), x);
    }

    [Fact]
    public void UnfoldFoldAndEmbedding_GradientsMatchFiniteDifferences()
    {
        using var scope = new TensorScope();
        GradCheck.Verify(a => Functional.Unfold(a[0], (2, 2), padding: 1), R(29, 1, 2, 3, 3));
        GradCheck.Verify(a => Functional.Fold(a[0], (3, 3), (2, 2), padding: 1), R(30, 1, 8, 16));
        var idx = Torch.FromArray(new long[] { 1, 3, 1, 0 }, 2, 2);
        GradCheck.Verify(a => Functional.Embedding(idx, a[0]), R(31, 4, 3));
    }
}
