using Diffusion.Nn;
using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Nn;

/// <summary>
/// Finite-difference gradient checks in float64 for every layer: with respect to the input (through
/// <see cref="GradCheck"/>) and with respect to every parameter (central differences on the parameter in place).
/// </summary>
public class GradCheckTests
{
    /// <summary>Checks d sum(module(x) * R)/d p for every parameter p against central differences (eps 1e-6, atol 1e-5, rtol 1e-3).</summary>
    private static void VerifyModule(Module<Tensor, Tensor> module, long[] inputShape, ulong seed = 11)
    {
        using var scope = new TensorScope();
        Torch.ManualSeed(seed);
        module.To(DType.Float64);
        var x = Torch.Randn(inputShape, DType.Float64);

        // Input gradient.
        GradCheck.Verify(xs => module.Forward(xs[0]), x);

        // Parameter gradients.
        using var probe = module.Forward(x);
        var r = Torch.RandnLike(probe);
        module.ZeroGrad();
        (module.Forward(x) * r).Sum().Backward();
        const double eps = 1e-6;
        foreach (var (name, p) in module.NamedParameters().Where(p => p.Parameter.RequiresGrad))
        {
            double[] analytic = p.Grad!.ToArray<double>();
            var flat = p.Detach().Reshape(-1);
            for (long k = 0; k < analytic.Length; k++)
            {
                using var inner = new TensorScope();
                using var noGrad = Torch.NoGrad();
                var element = flat.Narrow(0, k, 1);
                double original = element.ToDouble();
                element.Fill_(original + eps);
                double plus = (module.Forward(x) * r).Sum().ToDouble();
                element.Fill_(original - eps);
                double minus = (module.Forward(x) * r).Sum().ToDouble();
                element.Fill_(original);
                double numeric = (plus - minus) / (2 * eps);
                Assert.True(Math.Abs(analytic[k] - numeric) <= 1e-5 + 1e-3 * Math.Abs(numeric),
                    $"{module.TypeName}.{name}[{k}]: analytic {analytic[k]:R}, numeric {numeric:R}");
            }
        }
    }

    [Fact]
    public void Linear_GradientsMatchFiniteDifferences() => VerifyModule(new Linear(3, 2), [2, 3]);

    [Fact]
    public void Conv2d_GradientsMatchFiniteDifferences() => VerifyModule(new Conv2d(2, 2, 3, stride: 2, padding: 1), [1, 2, 5, 5]);

    [Fact]
    public void ConvTranspose2d_GradientsMatchFiniteDifferences() => VerifyModule(new ConvTranspose2d(2, 2, 3, stride: 2, padding: 1, outputPadding: 1), [1, 2, 3, 3]);

    [Fact]
    public void GroupNorm_GradientsMatchFiniteDifferences() => VerifyModule(new GroupNorm(2, 4), [2, 4, 3, 3]);

    [Fact]
    public void LayerNorm_GradientsMatchFiniteDifferences() => VerifyModule(new LayerNorm(5), [3, 5]);

    [Fact]
    public void SelfAttention2d_GradientsMatchFiniteDifferences() => VerifyModule(new SelfAttention2d(4, numHeads: 2, numGroups: 2), [1, 4, 2, 3]);

    [Fact]
    public void Activations_GradientsMatchFiniteDifferences()
    {
        VerifyModule(new Sequential(new Linear(3, 4), new SiLU(), new Linear(4, 4), new GELU(), new Linear(4, 4), new LeakyReLU(0.1), new Linear(4, 2)), [3, 3]);
    }

    [Fact]
    public void SinusoidalTimeEmbedding_IsDifferentiableInContinuousTime()
    {
        using var scope = new TensorScope();
        using var m = new SinusoidalTimeEmbedding(8);
        GradCheck.Verify(xs => m.Forward(xs[0]), Torch.FromArray(new double[] { 0.3, 2.5 }));
    }

    [Fact]
    public void GaussianFourierProjection_IsDifferentiableInTime()
    {
        using var scope = new TensorScope();
        Torch.ManualSeed(2);
        using var m = new GaussianFourierProjection(4, scale: 1);
        m.To(DType.Float64);
        GradCheck.Verify(xs => m.Forward(xs[0]), Torch.FromArray(new double[] { 0.1, 0.7 }));
    }
}
