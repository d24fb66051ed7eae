using Diffusion.Nn;
using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Nn;

/// <summary>Every layer against PyTorch 1.13.1 on the same weights, inputs and upstream gradients (float64, tolerance 1e-10).</summary>
public class LayerTests
{
    [Fact]
    public void Linear_MatchesPyTorch()
    {
        using var m = new Linear(6, 4);
        LayerFixtures.AssertMatches("linear", m);
    }

    [Fact]
    public void Conv2d_MatchesPyTorch()
    {
        using var m = new Conv2d(3, 5, 3, stride: 2, padding: 1);
        LayerFixtures.AssertMatches("conv2d", m);
    }

    [Fact]
    public void Conv2d_WithoutBiasAndRectangularKernel_MatchesPyTorch()
    {
        using var m = new Conv2d(4, 2, (3, 1), padding: (1, 0), bias: false);
        Assert.Null(m.Bias);
        Assert.Equal(["weight"], m.StateDict().Keys);
        LayerFixtures.AssertMatches("conv2d_nobias", m);
    }

    [Fact]
    public void ConvTranspose2d_MatchesPyTorch()
    {
        using var m = new ConvTranspose2d(4, 3, 4, stride: 2, padding: 1);
        LayerFixtures.AssertMatches("convt", m);
    }

    [Fact]
    public void GroupNorm_MatchesPyTorch()
    {
        using var m = new GroupNorm(2, 6);
        LayerFixtures.AssertMatches("groupnorm", m);
    }

    [Fact]
    public void LayerNorm_MatchesPyTorch()
    {
        using var m = new LayerNorm(8);
        LayerFixtures.AssertMatches("layernorm", m);
    }

    [Fact]
    public void SelfAttention2d_MatchesPyTorch()
    {
        using var m = new SelfAttention2d(8, numHeads: 2, numGroups: 4);
        Assert.Equal(["norm.weight", "norm.bias", "qkv.weight", "qkv.bias", "proj.weight", "proj.bias"], m.StateDict().Keys);
        LayerFixtures.AssertMatches("attention", m);
    }

    [Fact]
    public void Sequential_WithActivations_MatchesPyTorch()
    {
        using var m = new Sequential(new Linear(4, 8), new SiLU(), new Linear(8, 8), new GELU(), new Linear(8, 8), new ReLU(), new Linear(8, 2));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias"], m.StateDict().Keys);
        LayerFixtures.AssertMatches("sequential", m);
    }

    [Fact]
    public void SinusoidalTimeEmbedding_MatchesDdpmReference()
    {
        using var scope = new TensorScope();
        using var m = new SinusoidalTimeEmbedding(16);
        var y = m.Forward(LayerFixtures.Data.Tensor("sinusoidal.t"));
        Assert.Equal(DType.Float32, y.DType);
        // float32 sin/cos of arguments up to 999: the two libms may differ by a few ulp of the argument.
        TensorAssert.Close(LayerFixtures.Data, "sinusoidal.y", y, 2e-4, 0);
    }

    [Fact]
    public void GaussianFourierProjection_MatchesReferenceAndIsNotTrainable()
    {
        using var scope = new TensorScope();
        using var m = new GaussianFourierProjection(6, scale: 16);
        m.LoadStateDict(new Dictionary<string, Tensor> { ["W"] = LayerFixtures.Data.Tensor("fourier.W") });
        Assert.False(m.W.RequiresGrad);
        Assert.Equal(0, m.TrainableParameterCount);
        var y = m.Forward(LayerFixtures.Data.Tensor("fourier.t"));
        TensorAssert.Close(LayerFixtures.Data, "fourier.y", y, 1e-4, 0);
    }

    [Fact]
    public void Dropout_ZeroesAndRescalesInTrainingAndIsIdentityInEval()
    {
        using var scope = new TensorScope();
        using var m = new Dropout(0.25);
        Torch.ManualSeed(5);
        var x = Torch.Ones([10000]);
        double[] y = m.Forward(x).ToArray<float>().Select(v => (double)v).ToArray();
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75) < 1e-6));
        double zeroFraction = y.Count(v => v == 0) / (double)y.Length;
        Assert.InRange(zeroFraction, 0.22, 0.28);
        m.Eval();
        Assert.All(m.Forward(x).ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Linear_ThrowsForMismatchedFeatures()
    {
        using var scope = new TensorScope();
        using var m = new Linear(3, 2);
        var ex = Assert.Throws<ArgumentException>(() => m.Forward(Torch.Zeros([4, 5])));
        Assert.Contains("[4, 5]", ex.Message);
    }

    [Fact]
    public void Conv2d_ThrowsForMismatchedChannels()
    {
        using var scope = new TensorScope();
        using var m = new Conv2d(3, 2, 3);
        Assert.Throws<ArgumentException>(() => m.Forward(Torch.Zeros([1, 4, 8, 8])));
    }
}
