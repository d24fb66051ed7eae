using Diffusion.Tests.Support;
using Diffusion.Tensors;

namespace Diffusion.Tests.Tensors;

/// <summary>Bad inputs raise TorchException (never crash the process); op loops inside scopes leak nothing.</summary>
[Collection(SerialCollection.Name)]
public class ErrorAndLeakTests
{
    [Fact]
    public void Cat_ThrowsForMismatchedShapesNamingThem()
    {
        using var scope = new TensorScope();
        var a = Torch.Zeros([2, 3]);
        var b = Torch.Zeros([2, 4]);
        var e = Assert.Throws<TorchException>(() => Torch.Cat([a, b], 0));
        Assert.Contains("cat", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        Assert.Throws<TorchException>(() => Torch.Stack([a, b]));
    }

    [Fact]
    public void SelectOutOfRange_ThrowsTorchException()
    {
        using var scope = new TensorScope();
        var x = Torch.Zeros([2, 3]);
        var e = Assert.Throws<TorchException>(() => x.Select(1, 3));
        Assert.Contains("select", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Throws<TorchException>(() => x.Select(2, 0));
        Assert.Throws<TorchException>(() => x.Narrow(0, 1, 5));
    }

    [Fact]
    public void InvalidShapes_ThrowTorchException()
    {
        using var scope = new TensorScope();
        var x = Torch.Zeros([2, 3]);
        Assert.Throws<TorchException>(() => x.View(4, 2));
        Assert.Throws<TorchException>(() => x.Transpose(0, 1).View(6));
        Assert.Throws<TorchException>(() => x.Permute(0, 0));
        Assert.Throws<TorchException>(() => x.Expand(3, 3));
        Assert.Throws<TorchException>(() => x.Pad([3, 3], PadMode.Reflect));
        Assert.Throws<TorchException>(() => x.Chunk(0, 0));
        Assert.Throws<TorchException>(() => x.Sum([5]));
        Assert.Throws<TorchException>(() => x.Max(2));
        Assert.Throws<TorchException>(() => Torch.Cat(Array.Empty<Tensor>()));
        Assert.Throws<TorchException>(() => Torch.Einsum("ij,jk->ik", x, x));
        Assert.Throws<TorchException>(() => Torch.Randint(5, 2, [3]));
    }

    [Fact]
    public void TenThousandOps_InScopes_LeaveLiveCountUnchanged()
    {
        long before = LiveTensors.Count();
        using (var outer = new TensorScope())
        {
            var x = Torch.Randn([4, 4]);
            var acc = Torch.Zeros([4, 4]);
            for (int i = 0; i < 1000; i++)
            {
                using var scope = new TensorScope();
                var a = x.Sin().Mul(0.5).Clamp(-1, 1);
                var parts = a.Chunk(2, 0);
                var b = Torch.Cat(parts, 0).Transpose(0, 1).Contiguous();
                var (values, indices) = b.Max(1);
                var c = Torch.Where(b.Gt(0), b, 0.0).Sum([0], keepDim: true);
                acc.Add_(c.Expand(4, 4), 1e-3).Mul_(0.999);
                _ = values.Add(indices.To(DType.Float32).Mean());
            }
        }
        Assert.Equal(before, LiveTensors.Count());
    }
}
