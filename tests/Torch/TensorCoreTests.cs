using Diffusion.Tests.Support;
using Diffusion.Tensors;

namespace Diffusion.Tests.Tensors;

[Collection(SerialCollection.Name)]
public class TensorCoreTests
{
    [Fact]
    public void FromArray_RoundTripsValuesAndShape()
    {
        using var t = Torch.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void Operators_ComputeElementwise()
    {
        using var scope = new TensorScope();
        var a = Torch.FromArray(new double[] { 1, 2, 3 });
        var b = Torch.FromArray(new double[] { 4, 5, 6 });
        var c = (a + b) * 2.0 - a / b + (1.0 - a);
        var expected = new[] { 10 - 0.25 + 0, 14 - 0.4 - 1, 18 - 0.5 - 2 };
        var actual = c.ToArray<double>();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], actual[i], 12);
        }
    }

    [Fact]
    public void ShapeMismatch_ThrowsTorchExceptionNamingBothShapes()
    {
        using var scope = new TensorScope();
        var a = Torch.Zeros([2, 3]);
        var b = Torch.Zeros([4, 5]);
        var e = Assert.Throws<TorchException>(() => a.MatMul(b));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4, 5]", e.Message);
        Assert.Contains("matmul", e.Message);
        var e2 = Assert.Throws<TorchException>(() => a + b);
        Assert.Contains("[2, 3] and [4, 5]", e2.Message);
    }

    [Fact]
    public void UseAfterDispose_ThrowsObjectDisposedException()
    {
        var t = Torch.Zeros([3]);
        t.Dispose();
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.Sum());
    }

    [Fact]
    public void Scope_FreesAllButKept()
    {
        long before = LiveTensors.Count();
        Tensor kept;
        using (var scope = new TensorScope())
        {
            var a = Torch.Randn([4, 4]);
            var b = a * 2.0 + 1.0;
            kept = scope.Keep(b.Sum());
        }
        Assert.Equal(before + 1, LiveTensors.Count());
        Assert.False(kept.IsDisposed);
        kept.Dispose();
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void ToArray_WithWrongType_SaysWhatToDo()
    {
        using var t = Torch.Zeros([2]);
        var e = Assert.Throws<InvalidOperationException>(() => t.ToArray<double>());
        Assert.Contains("To(DType.Float64)", e.Message);
    }
}
