using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.NnFunctional;

/// <summary>Properties of functional ops that fixtures cannot pin down: randomness, memory, float32 paths.</summary>
public class FunctionalBehaviourTests
{
    [Fact]
    public void Dropout_ZeroesAboutPAndRescalesSurvivors()
    {
        using var scope = new TensorScope();
        var x = Torch.Zeros([100_000], DType.Float64) + 1.0;
        using var g = new Generator(11);
        foreach (var y in new[] { Functional.Dropout(x, 0.3).ToArray<double>(), Functional.Dropout(x, 0.3, generator: g).ToArray<double>() })
        {
            double zeroFraction = y.Count(v => v == 0) / (double)y.Length;
            Assert.InRange(zeroFraction, 0.29, 0.31); // 0.3 ± 7 standard deviations (sd = 0.00145)
            Assert.All(y.Where(v => v != 0), v => Assert.Equal(1 / 0.7, v, 12));
        }
        Assert.Equal(x.ToArray<double>(), Functional.Dropout(x, 0.3, training: false).ToArray<double>());
        Assert.Equal(x.ToArray<double>(), Functional.Dropout(x, 0.3, training: false, generator: g).ToArray<double>());
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Dropout(x, 1.5));
    }

    [Fact]
    public void Dropout_WithSeededGenerator_IsReproducibleAndDifferentiable()
    {
        using var scope = new TensorScope();
        using var g0 = new Generator(5);
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        var x = Torch.Randn([64], DType.Float64, generator: g0).RequiresGrad_();
        var a = Functional.Dropout(x, 0.5, generator: g1);
        var b = Functional.Dropout(x, 0.5, generator: g2);
        Assert.Equal(a.ToArray<double>(), b.ToArray<double>());
        a.Sum().Backward();
        double[] grad = x.Grad!.ToArray<double>();
        double[] kept = a.ToArray<double>();
        for (int i = 0; i < grad.Length; i++)
        {
            Assert.Equal(kept[i] == 0 ? 0 : 2, grad[i], 12); // d(x m / (1 - p))/dx = m / (1 - p)
        }
    }

    [Fact]
    public void Float32_ConvMatchesFloat64WithinSinglePrecision()
    {
        using var scope = new TensorScope();
        using var g = new Generator(13);
        var x = Torch.Randn([2, 3, 9, 9], DType.Float64, generator: g);
        var w = Torch.Randn([5, 3, 3, 3], DType.Float64, generator: g);
        var b = Torch.Randn([5], DType.Float64, generator: g);
        var y64 = Functional.Conv2d(x, w, b, stride: 2, padding: 1);
        var y32 = Functional.Conv2d(x.To(DType.Float32), w.To(DType.Float32), b.To(DType.Float32), stride: 2, padding: 1);
        Assert.Equal(DType.Float32, y32.DType);
        TensorAssert.Close(y64.ToArray<double>(), y32, 1e-4, 1e-4);
    }

    [Fact]
    public void Activations_FunctionalAndMethodFormsAgree()
    {
        using var scope = new TensorScope();
        using var g = new Generator(14);
        var x = Torch.Randn([50], DType.Float64, generator: g);
        TensorAssert.Close(x.Relu().ToArray<double>(), Functional.Relu(x), 0, 0);
        TensorAssert.Close(x.Gelu(true).ToArray<double>(), Functional.Gelu(x, true), 0, 0);
        TensorAssert.Close(x.LeakyRelu(0.1).ToArray<double>(), Functional.LeakyRelu(x, 0.1), 0, 0);
        TensorAssert.Close(x.Softplus().ToArray<double>(), Functional.Softplus(x), 0, 0);
        TensorAssert.Close(x.Elu().ToArray<double>(), Functional.Elu(x), 0, 0);
        TensorAssert.Close(x.Mish().ToArray<double>(), Functional.Mish(x), 0, 0);
    }
}
