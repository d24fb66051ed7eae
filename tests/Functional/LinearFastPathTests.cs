using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.NnFunctional;

/// <summary>
/// Float32 2-D linear layers go through oneDNN's 1×1 convolution when libtorch lacks an optimised BLAS (dt_linear);
/// values and gradients must equal the float64 matrix product within float32 rounding.
/// </summary>
public class LinearFastPathTests
{
    [Fact]
    public void Linear_Float32Batch_MatchesFloat64ValuesAndGradients()
    {
        using var scope = new TensorScope();
        using var g = new Generator(21);
        var x = Torch.Randn([64, 48], generator: g);
        var w = Torch.Randn([32, 48], generator: g) * 0.2;
        var b = Torch.Randn([32], generator: g);
        foreach (var t in new[] { x, w, b })
        {
            t.RequiresGrad = true;
        }
        var y = Functional.Linear(x, w, b);
        var weights = Torch.Randn([64, 32], generator: g);
        (y * weights).Sum().Backward();

        var x64 = x.Detach().To(DType.Float64).RequiresGrad_();
        var w64 = w.Detach().To(DType.Float64).RequiresGrad_();
        var b64 = b.Detach().To(DType.Float64).RequiresGrad_();
        var y64 = x64.MatMul(w64.Transpose(0, 1)) + b64;
        (y64 * weights.To(DType.Float64)).Sum().Backward();

        Assert.Equal(new long[] { 64, 32 }, y.Shape);
        // float32 accumulation over 48 products of O(1) terms: 1e-4 absolute is ample.
        TensorAssert.Close(y64.Detach().ToArray<double>(), y, atol: 1e-4, rtol: 1e-5, what: "y");
        TensorAssert.Close(x64.Grad!.ToArray<double>(), x.Grad!, atol: 1e-4, rtol: 1e-5, what: "dx");
        TensorAssert.Close(w64.Grad!.ToArray<double>(), w.Grad!, atol: 1e-4, rtol: 1e-5, what: "dW");
        TensorAssert.Close(b64.Grad!.ToArray<double>(), b.Grad!, atol: 1e-4, rtol: 1e-5, what: "db");
    }

    [Fact]
    public void Linear_Float32MismatchedFeatures_StillNamesBothShapes()
    {
        using var scope = new TensorScope();
        var x = Torch.Zeros([8, 5]);
        var w = Torch.Zeros([3, 4]);
        var e = Assert.Throws<TorchException>(() => Functional.Linear(x, w));
        Assert.Contains("[8, 5]", e.Message);
        Assert.Contains("[3, 4]", e.Message);
    }
}
