using Diffusion.Tests.Support;
using Diffusion.Tensors;
using Diffusion.Tests.Tensors;

namespace Diffusion.Tests.NnFunctional;

/// <summary>Functional ops and autograd in a scope leave no native tensors behind.</summary>
[Collection(SerialCollection.Name)]
public class NativeMemoryTests
{
    [Fact]
    public void Ops_InScope_DoNotLeakNativeTensors()
    {
        Torch.ManualSeed(12);
        SettleFinalizers();
        long before = LiveTensors.Count();
        for (int i = 0; i < 5; i++)
        {
            using var scope = new TensorScope();
            var x = Torch.Randn([2, 4, 8, 8]).RequiresGrad_();
            var w = Torch.Randn([4, 4, 3, 3]).RequiresGrad_();
            var h = Functional.Conv2d(x, w, null, padding: 1);
            h = Functional.GroupNorm(h, 2).Silu();
            h = Functional.Interpolate(h, scaleFactor: 2, mode: InterpolationMode.Bilinear);
            var loss = Functional.MseLoss(Functional.AvgPool2d(h, 2), x);
            loss.Backward();
            _ = w.Grad;
            _ = Autograd.Grad([Functional.Linear(x.Reshape(2, -1), x.Reshape(2, -1)).Sum()], [x]);
        }
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void Grad_DoesNotLeakHandles()
    {
        var x = Torch.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        SettleFinalizers();
        long before = LiveTensors.Count();
        for (int i = 0; i < 20; i++)
        {
            using var scope = new TensorScope();
            var g = Autograd.Grad([(x * x).Sum()], [x]);
            _ = g[0]!.Sum();
            (x * x).Sum().Backward();
            _ = x.Grad;
            x.ZeroGrad();
        }
        Assert.Equal(before, LiveTensors.Count());
        x.Dispose();
    }

    /// <summary>Runs pending finalizers of tensors other tests leaked, so they cannot change the count mid-test.</summary>
    private static void SettleFinalizers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
