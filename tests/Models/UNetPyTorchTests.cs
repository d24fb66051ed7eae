using Diffusion.Models;
using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Models;

/// <summary>
/// The UNet against the same architecture written in PyTorch 1.13.1 (tests/fixtures/make_unet.py): the same state-dict keys
/// and parameter count, and, with every tensor filled from one seeded generator in sorted key order, the same output on an
/// odd-sized input (6 → 3 → 2, so upsampling goes back to 3, not 4) to 1e-4 (float32).
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
        using var scope = new TensorScope();
        using var model = new UNet(Tiny);
        model.Eval();
        var own = model.StateDict();
        Assert.Equal((long)f.Scalar("parameter_count"), model.ParameterCount);
        Assert.Equal((int)f.Scalar("key_count"), own.Count);

        using var g = new Generator(77);
        var filled = new Dictionary<string, Tensor>();
        foreach (var key in own.Keys.Order(StringComparer.Ordinal))
        {
            filled[key] = Torch.Randn(own[key].Shape, generator: g) * 0.2;
        }
        var result = model.LoadStateDict(filled);
        Assert.Empty(result.MissingKeys);

        var x = Torch.Randn([2, 1, 6, 6], generator: g);
        TensorAssert.Close(f, "x", x, 0, 0);
        using var noGrad = Torch.NoGrad();
        var y = model.Forward(x, f.Tensor("t"));
        TensorAssert.Close(f, "y", y, 1e-4, 1e-4);
    }
}
