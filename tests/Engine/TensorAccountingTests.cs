using System.Runtime.CompilerServices;
using Diffusion.Engine;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Engine;

[Collection(SerialCollection.Name)]
public class TensorAccountingTests
{
    [Fact]
    public void Settle_MakesABuiltAndDisposedLayerLeaveNoCount()
    {
        long before = LiveTensors.Count();
        var linear = TensorAccounting.Settle(nn.Linear(4, 5));
        Assert.Equal(before + 2, LiveTensors.Count());   // weight and bias
        TensorAccounting.Settle(linear);                  // idempotent
        Assert.Equal(before + 2, LiveTensors.Count());
        linear.Dispose();
        Assert.Equal(before, LiveTensors.Count());
    }

    /// <summary>
    /// Documents TorchSharp 0.107's surplus count per parameter that <see cref="TensorAccounting.Settle"/> corrects: when this
    /// fails, TorchSharp fixed it, and Settle must go (it would now under-count).
    /// </summary>
    [Fact]
    public void TorchSharp_StillOverCountsOnePerParameter()
    {
        long before = LiveTensors.Count();
        var linear = nn.Linear(4, 5);
        Assert.Equal(before + 4, LiveTensors.Count());   // weight and bias, and one surplus each
        TensorAccounting.Settle(linear);
        Assert.Equal(before + 2, LiveTensors.Count());
        linear.Dispose();
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void Reachable_FreesDroppedTemporaries()
    {
        DropTemporaries(1);   // a first call may create lazily made state
        long before = LiveTensors.Count();
        DropTemporaries(100);
        Assert.Equal(before, TensorAccounting.Reachable());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]   // no stack slot of this frame keeps the last temporaries alive
    private static void DropTemporaries(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _ = ones(3).sum().item<float>();   // both tensors are dropped, not disposed
        }
    }
}
