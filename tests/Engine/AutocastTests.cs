using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Engine;

public class AutocastTests
{
    [Fact]
    public void BFloat16Block_CastsLinearLayers_AndEndsWhereItBegan()
    {
        using var linear = nn.Linear(8, 4);
        using var scope = NewDisposeScope();
        var x = randn(3, 8);
        Assert.False(Autocast.IsEnabled());
        Assert.Equal(Precision.Float32, Autocast.Current);
        using (Autocast.Enter(Precision.BFloat16))
        {
            Assert.True(Autocast.IsEnabled());
            Assert.Equal(Precision.BFloat16, Autocast.Current);
            var y = linear.call(x);
            Assert.Equal(ScalarType.BFloat16, y.dtype);
            // Against float32: bfloat16 rounding of x, W and the result (relative 2^-9 each).
            var reference = nn.functional.linear(x, linear.weight, linear.bias);
            Assert.InRange((y.to(ScalarType.Float32) - reference).abs().max().item<float>(), 0, 0.05f);
            // A loss on the float32 list of LibTorch's autocast comes back in float32.
            Assert.Equal(ScalarType.Float32, nn.functional.mse_loss(y, reference).dtype);
        }
        Assert.False(Autocast.IsEnabled());
        Assert.Equal(Precision.Float32, Autocast.Current);
        Assert.Equal(ScalarType.Float32, linear.call(x).dtype);
    }

    [Fact]
    public void Float32Block_InsideABFloat16One_SwitchesAutocastOffUntilItEnds()
    {
        using var linear = nn.Linear(8, 4);
        using var scope = NewDisposeScope();
        var x = randn(3, 8);
        using (Autocast.Enter(Precision.BFloat16))
        {
            using (Autocast.Enter(Precision.Float32))
            {
                Assert.False(Autocast.IsEnabled());
                Assert.Equal(ScalarType.Float32, linear.call(x).dtype);
            }
            Assert.True(Autocast.IsEnabled());
            Assert.Equal(ScalarType.BFloat16, linear.call(x).dtype);
        }
        Assert.False(Autocast.IsEnabled());
    }

    [Fact]
    public void Gradients_OfFloat32Weights_StayFloat32()
    {
        using var linear = nn.Linear(8, 4);
        using var scope = NewDisposeScope();
        Tensor loss;
        using (Autocast.Enter(Precision.BFloat16))
        {
            loss = linear.call(randn(5, 8)).square().mean();
        }
        loss.backward();
        Assert.Equal(ScalarType.Float32, linear.weight.grad!.dtype);
        Assert.Equal(ScalarType.Float32, linear.bias!.grad!.dtype);
    }

    [Fact]
    public void Block_MustEndOnItsOwnThread()
    {
        var block = Autocast.Enter(Precision.BFloat16);
        try
        {
            Exception? error = null;
            var other = new Thread(() => error = Record.Exception(block.Dispose));
            other.Start();
            other.Join();
            Assert.IsType<InvalidOperationException>(error);
            Assert.Contains("thread", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            block.Dispose();
        }
        Assert.False(Autocast.IsEnabled());
    }

    [Theory]
    [InlineData("fp32", Precision.Float32)]
    [InlineData("BF16", Precision.BFloat16)]
    [InlineData("bfloat16", Precision.BFloat16)]
    public void Precisions_ParseTheirNames(string text, Precision expected)
    {
        Assert.Equal(expected, Precisions.Parse(text));
        Assert.Equal(expected, Precisions.Parse(expected.Name()));
    }

    [Fact]
    public void Precisions_RejectOtherNames_SayingWhatToUse()
    {
        var error = Assert.Throws<ArgumentException>(() => Precisions.Parse("fp16"));
        Assert.Contains("fp32", error.Message, StringComparison.Ordinal);
        Assert.Contains("bf16", error.Message, StringComparison.Ordinal);
    }
}
