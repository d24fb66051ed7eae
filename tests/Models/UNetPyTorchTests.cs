using Diffusion.Models;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Models;

/// <summary>
/// The UNet against the same architecture written in PyTorch 1.13.1 (tests/fixtures/make_unet.py): the same state-dict keys
/// and parameter count, and, with every tensor filled from one seeded generator in sorted key order, the same output on an
/// odd-sized input (6 → 3 → 2, so upsampling goes back to 3, not 4).
/// </summary>
public class UNetPyTorchTests
{
    private static readonly UNetConfig Tiny = new()
    {
        ImageChannels = 1, ImageSize = 6, BaseChannels = 8, ChannelMultipliers = [1, 2, 2], ResBlocksPerLevel = 2,
        AttentionResolutions = [3], Dropout = 0,
    };

    [Fact]
    public void Forward_MatchesPyTorchWithTheSameStateDict()
    {
        var f = Fixture.Load("unet.json");
        using var scope = NewDisposeScope();
        using var model = new UNet(Tiny);
        model.eval();
        var own = model.state_dict();
        Assert.Equal((long)f.Scalar("parameter_count"), model.ParameterCount);
        Assert.Equal((int)f.Scalar("key_count"), own.Count);

        // LibTorch 2.10's CPU generator draws PyTorch 1.13's normal numbers for a seed (checked on x below, bit for bit).
        using var g = new Generator(77);
        var filled = new Dictionary<string, Tensor>();
        foreach (var key in own.Keys.Order(StringComparer.Ordinal))
        {
            filled[key] = randn(own[key].shape, generator: g) * 0.2;
        }
        Diffusion.IO.StateDicts.Load(model, filled);

        var x = randn([2, 1, 6, 6], generator: g);
        TensorAssert.Close(f, "x", x, 0, 0);
        using var noGrad = no_grad();
        var y = model.call(x, f.Tensor("t"));
        // float32 through ~30 layers; MKL's kernels and 1.13's reference BLAS round differently in the last bits.
        TensorAssert.Close(f, "y", y, 1e-4, 1e-4);
    }
}
