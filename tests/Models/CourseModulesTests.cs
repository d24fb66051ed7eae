using Diffusion.Models;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Models;

/// <summary>
/// The course's own modules (moved from the old lib/Nn) against PyTorch 1.13.1 (tests/fixtures/make_nn.py): self-attention
/// forward and backward in float64, the DDPM time embedding and the Gaussian Fourier projection; and the nearest upsampling.
/// </summary>
public class CourseModulesTests
{
    private static readonly Lazy<Fixture> Nn = new(() => Fixture.Load("nn.json"));

    [Fact]
    public void SelfAttention2d_MatchesPyTorchForwardAndBackward()
    {
        using var m = new SelfAttention2d(8, numHeads: 2, numGroups: 4);
        Assert.Equal(["norm.weight", "norm.bias", "qkv.weight", "qkv.bias", "proj.weight", "proj.bias"], m.state_dict().Keys);
        using var scope = NewDisposeScope();
        m.to(ScalarType.Float64);
        var f = Nn.Value;
        var state = f.Names.Where(n => n.StartsWith("attention.sd.", StringComparison.Ordinal))
            .ToDictionary(n => n["attention.sd.".Length..], n => f.Tensor(n));
        Diffusion.IO.StateDicts.Load(m, state);
        var x = f.Tensor("attention.x").requires_grad_();
        var y = m.call(x);
        // float64 on both sides: only summation order differs.
        TensorAssert.Close(f, "attention.y", y, 1e-10, 1e-10);
        (y * f.Tensor("attention.g")).sum().backward();
        TensorAssert.Close(f, "attention.dx", x.grad!, 1e-10, 1e-10);
        foreach (var (name, p) in m.named_parameters())
        {
            TensorAssert.Close(f, "attention.d." + name, p.grad!, 1e-10, 1e-10);
        }
    }

    [Fact]
    public void SelfAttention2d_NamesTheShapeItExpects()
    {
        using var m = new SelfAttention2d(8, numHeads: 2, numGroups: 4);
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => m.call(zeros(1, 4, 3, 3)));
        Assert.Contains("[B, 8, H, W]", e.Message);
        Assert.Contains("[1, 4, 3, 3]", e.Message);
        Assert.Throws<ArgumentException>(() => new SelfAttention2d(6, numHeads: 4));
    }

    [Fact]
    public void SinusoidalTimeEmbedding_MatchesDdpmReference()
    {
        using var scope = NewDisposeScope();
        using var m = new SinusoidalTimeEmbedding(16);
        var y = m.call(Nn.Value.Tensor("sinusoidal.t"));
        Assert.Equal(ScalarType.Float32, y.dtype);
        // float32 sin/cos of arguments up to 999: the two libms may differ by a few ulp of the argument.
        TensorAssert.Close(Nn.Value, "sinusoidal.y", y, 2e-4, 0);
        Assert.Empty(m.parameters());
    }

    [Fact]
    public void SinusoidalTimeEmbedding_IsDifferentiableInContinuousTime()
    {
        using var scope = NewDisposeScope();
        using var m = new SinusoidalTimeEmbedding(8);
        var t = tensor(new[] { 0.3, 2.5 }).requires_grad_();
        m.call(t).sum().backward();
        // d/dt Σ_i [sin(t w_i) + cos(t w_i)] = Σ_i w_i (cos(t w_i) − sin(t w_i)), w_i = 10000^(−i/3) as float32.
        var grad = t.grad!.data<double>().ToArray();
        double[] times = [0.3, 2.5];
        for (int k = 0; k < 2; k++)
        {
            double expected = 0;
            for (int i = 0; i < 4; i++)
            {
                double w = (float)Math.Exp(-Math.Log(10000) * i / 3);
                expected += w * (Math.Cos(times[k] * w) - Math.Sin(times[k] * w));
            }
            Assert.Equal(expected, grad[k], 12);
        }
    }

    [Fact]
    public void GaussianFourierProjection_MatchesReferenceAndIsNotTrainable()
    {
        using var scope = NewDisposeScope();
        using var m = new GaussianFourierProjection(6, scale: 16);
        Diffusion.IO.StateDicts.Load(m, new Dictionary<string, Tensor> { ["W"] = Nn.Value.Tensor("fourier.W") });
        Assert.False(m.W.requires_grad);
        Assert.DoesNotContain(m.parameters(), p => p.requires_grad);
        var y = m.call(Nn.Value.Tensor("fourier.t"));
        TensorAssert.Close(Nn.Value, "fourier.y", y, 1e-4, 0);
    }

    [Fact]
    public void GaussianFourierProjection_DrawsWFromTheScaledNormal()
    {
        manual_seed(3);
        using var m = new GaussianFourierProjection(20_000, scale: 16);
        using var scope = NewDisposeScope();
        // std of 20,000 draws of N(0, 16²): standard error 16 / √(2 · 20,000) ≈ 0.08.
        Assert.InRange(m.W.std().item<float>(), 15.6, 16.4);
        Assert.InRange(m.W.mean().item<float>(), -0.5, 0.5);
    }

    [Theory]
    [InlineData(4, 4, 8, 8)]
    [InlineData(4, 4, 7, 7)]
    [InlineData(3, 5, 5, 10)]
    [InlineData(2, 2, 3, 4)]
    public void Nearest2x_EqualsInterpolateExactly(long h, long w, long height, long width)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        var x = randn([2, 3, h, w], generator: g);
        var expected = nn.functional.interpolate(x, size: [height, width], mode: InterpolationMode.Nearest);
        var actual = Upsample.Nearest2x(x, height, width);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.eq(actual).all().item<bool>());
    }

    [Fact]
    public void Nearest2x_RejectsOtherSizes()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Upsample.Nearest2x(zeros(1, 2, 4, 4), 9, 8));
        Assert.Contains("[1, 2, 4, 4]", e.Message);
    }
}
