using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Differentiation;

/// <summary>Autograd binding: requires_grad, leaves, backward, torch.autograd.grad, grad mode guards, errors.</summary>
public class AutogradTests
{
    [Fact]
    public void Backward_FillsLeafGradWithAnalyticDerivative()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 1, 2, 3 }).RequiresGrad_();
        Assert.True(x.RequiresGrad);
        Assert.True(x.IsLeaf);
        Assert.Null(x.Grad);
        var y = (x * x * x).Sum(); // dy/dx = 3 x^2
        Assert.False(y.IsLeaf);
        y.Backward();
        TensorAssert.Close(new double[] { 3, 12, 27 }, x.Grad!, 1e-12, 0);
    }

    [Fact]
    public void Backward_AccumulatesUntilZeroGrad()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        (x * 2.0).Sum().Backward();
        (x * 3.0).Sum().Backward();
        TensorAssert.Close(new double[] { 5, 5 }, x.Grad!, 0, 0);
        x.ZeroGrad(setToNone: false);
        TensorAssert.Close(new double[] { 0, 0 }, x.Grad!, 0, 0);
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Backward_WithGradientComputesVectorJacobianProduct()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        var y = x * x;
        y.Backward(Torch.FromArray(new double[] { 10, 100 }));
        TensorAssert.Close(new double[] { 20, 400 }, x.Grad!, 0, 0);
    }

    [Fact]
    public void Backward_TwiceWithoutRetainGraph_ThrowsClearTorchException()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        var y = x.Exp().Sum();
        y.Backward();
        var e = Assert.Throws<TorchException>(() => y.Backward());
        Assert.Contains("backward", e.Message);
        Assert.Contains("second time", e.Message);
    }

    [Fact]
    public void Backward_TwiceWithRetainGraph_Accumulates()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 0, 1 }).RequiresGrad_();
        var y = x.Exp().Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        TensorAssert.Close(new double[] { 2, 2 * Math.E }, x.Grad!, 1e-12, 1e-12);
    }

    [Fact]
    public void Backward_OnTensorThatDoesNotRequireGrad_Throws()
    {
        using var scope = new TensorScope();
        var y = Torch.FromArray(new double[] { 1, 2 }).Sum();
        Assert.Throws<TorchException>(() => y.Backward());
        var v = Torch.FromArray(new double[] { 1, 2 }).RequiresGrad_() * 2.0;
        var e = Assert.Throws<TorchException>(() => v.Backward());
        Assert.Contains("scalar", e.Message);
    }

    [Fact]
    public void RequiresGrad_OnIntegerTensor_Throws()
    {
        using var scope = new TensorScope();
        var i = Torch.FromArray(new long[] { 1, 2 });
        Assert.Throws<TorchException>(() => i.RequiresGrad = true);
    }

    [Fact]
    public void AutogradGrad_WithRespectToInput_MatchesFiniteDifference()
    {
        // A DPS-like gradient: d/dx ||A(x) - y||^2 through a conv and a nonlinearity.
        using var scope = new TensorScope();
        using var gen = new Generator(3);
        var w = Torch.Randn([2, 2, 3, 3], DType.Float64, generator: gen);
        var target = Torch.Randn([1, 2, 4, 4], DType.Float64, generator: gen);
        var x = Torch.Randn([1, 2, 4, 4], DType.Float64, generator: gen);
        Tensor Loss(Tensor[] a) => Functional.MseLoss(Functional.Conv2d(a[0], w, padding: 1).Silu(), target, Reduction.Sum);
        GradCheck.Verify(Loss, GradPath.AutogradGrad, x);
        GradCheck.Verify(Loss, GradPath.Backward, x);

        var xr = x.Detach().RequiresGrad_();
        var g = Autograd.Grad(Loss([xr]), xr);
        Assert.Equal(x.Shape, g.Shape);
        Assert.Null(xr.Grad); // grad does not accumulate into .grad
    }

    [Fact]
    public void AutogradGrad_AllowUnusedReturnsNullAndOtherwiseThrows()
    {
        using var scope = new TensorScope();
        var a = Torch.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        var b = Torch.FromArray(new double[] { 3 }).RequiresGrad_();
        var y = (a * a).Sum();
        var grads = Autograd.Grad([y], [a, b], retainGraph: true, allowUnused: true);
        TensorAssert.Close(new double[] { 2, 4 }, grads[0]!, 0, 0);
        Assert.Null(grads[1]);
        Assert.Throws<TorchException>(() => Autograd.Grad([y], [a, b]));
    }

    [Fact]
    public void AutogradGrad_CreateGraphGivesSecondDerivative()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 0.5, 2 }).RequiresGrad_();
        var y = (x * x * x).Sum();
        var dx = Autograd.Grad([y], [x], createGraph: true)[0]!; // 3x^2
        Assert.True(dx.RequiresGrad);
        var d2 = Autograd.Grad([dx.Sum()], [x])[0]!; // 6x
        TensorAssert.Close(new double[] { 3, 12 }, d2, 1e-12, 0);
    }

    [Fact]
    public void AutogradGrad_WithGradOutputs_WeightsOutputs()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        var y1 = x * 3.0;
        var y2 = (x * x).Sum();
        var g = Autograd.Grad([y1, y2], [x], [Torch.FromArray(new double[] { 1, -1 }), Torch.Scalar(0.5, DType.Float64)]);
        TensorAssert.Close(new double[] { 3 + 1, -3 + 2 }, g[0]!, 1e-12, 0);
    }

    [Fact]
    public void NoGrad_DisablesRecordingAndRestoresModeWhenNested()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        Assert.True(Torch.IsGradEnabled);
        using (Torch.NoGrad())
        {
            Assert.False(Torch.IsGradEnabled);
            var y = x * 2.0;
            Assert.False(y.RequiresGrad);
            Assert.True(y.IsLeaf);
            using (Torch.NoGrad())
            {
                Assert.False(Torch.IsGradEnabled);
            }
            Assert.False(Torch.IsGradEnabled);
            using (Torch.EnableGrad())
            {
                Assert.True(Torch.IsGradEnabled);
                Assert.True((x * 2.0).RequiresGrad);
            }
            Assert.False(Torch.IsGradEnabled);
        }
        Assert.True(Torch.IsGradEnabled);
        Assert.True((x * 2.0).RequiresGrad);
    }

    [Fact]
    public void NoGrad_RestoresModeAfterException()
    {
        try
        {
            using (Torch.NoGrad())
            {
                throw new InvalidOperationException("boom");
            }
        }
        catch (InvalidOperationException)
        {
        }
        Assert.True(Torch.IsGradEnabled);
    }

    [Fact]
    public void NoGrad_IsThreadLocal()
    {
        using (Torch.NoGrad())
        {
            bool other = true;
            var thread = new Thread(() => other = Torch.IsGradEnabled);
            thread.Start();
            thread.Join();
            Assert.True(other);
            Assert.False(Torch.IsGradEnabled);
        }
    }

    [Fact]
    public void Detach_CutsTheGraphAndSharesData()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        var y = x * 2.0;
        var d = y.Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        Assert.Equal(new double[] { 2, 4 }, d.ToArray<double>());
    }
}

/// <summary>The gradient checker itself: it must fail on a wrong gradient, not only pass on right ones.</summary>
public class GradCheckSelfTests
{
    [Fact]
    public void GradCheck_DetectsAWrongGradient()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 0.5, -1.5, 2 });
        // f(x) = x * detach(x): autograd sees d/dx = detach(x), the true derivative is 2x.
        var report = GradCheck.Compare(a => a[0] * a[0].Detach(), [x]);
        Assert.False(report.Passed, report.ToString());
        Assert.True(report.MaxAbsError > 0.4, report.ToString());
    }

    [Fact]
    public void GradCheck_PassesOnAnExactGradientWithSmallError()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 0.5, -1.5, 2 });
        var y = Torch.FromArray(new double[] { 1.5, 0.25, -1 });
        var report = GradCheck.Verify(a => (a[0] * a[1]).Exp(), x, y);
        Assert.Equal(6, report.Elements);
        Assert.True(report.MaxAbsError < 1e-7, report.ToString());
    }

    [Fact]
    public void RetainGrad_KeepsGradientOfIntermediate()
    {
        using var scope = new TensorScope();
        var x = Torch.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        var h = (x * 3.0).RetainGrad();
        (h * h).Sum().Backward();
        TensorAssert.Close(new double[] { 6, 12 }, h.Grad!, 1e-12, 0);
        TensorAssert.Close(new double[] { 18, 36 }, x.Grad!, 1e-12, 0);
    }
}
