using Diffusion.Ddpm;
using Diffusion.Inverse;
using Diffusion.Sampling;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>SDEdit's two ways of keeping known pixels, and its data-fidelity step (<see cref="DataFidelity"/>) for deblurring.</summary>
public sealed class SdEditFidelityTests(ITestOutputHelper output)
{
    /// <summary>
    /// 2,000 4×4 images with a hidden 2×2 box, T = 100, t0 = 0.5: after the step to level s = 29, the re-noised known pixels minus
    /// √ᾱ_s y are (√(1 − ᾱ_s)) e, so divided by √(1 − ᾱ_s) they have mean 0 and variance 1 over 24,000 pixels (standard errors
    /// 0.006 and 0.009); clean known pixels are y exactly at every level, and free ones are neither.
    /// </summary>
    [Theory]
    [InlineData(SdEditKnownPixels.Renoised)]
    [InlineData(SdEditKnownPixels.Clean)]
    [InlineData(SdEditKnownPixels.Free)]
    public void KnownPixels_FollowTheForwardProcess_OrStayClean(SdEditKnownPixels mode)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(51);
        var schedule = GaussianPrior.Schedule();
        var a = PixelMask.Box(4, 4, 1, 1, 2, 2);
        var y = a.Measure(rand([2000, 1, 4, 4], ScalarType.Float64, generator: g) * 2 - 1, 0.05, g);
        var sdedit = new SdEdit(schedule, new SdEditOptions { T0 = 0.5, Repeats = 1, KnownPixels = mode });
        const int s = 29;
        Tensor? atS = null;
        double worstClean = 0;
        void Observe(SamplingStep step)
        {
            int index = Array.IndexOf(sdedit.Timesteps, step.Timestep);
            int next = index + 1 < sdedit.Timesteps.Length ? sdedit.Timesteps[index + 1] : -1;
            if (next == s)
            {
                atS = step.Sample.clone().MoveToOuterDisposeScope();
            }
            if (next >= 0)
            {
                worstClean = Math.Max(worstClean, (a.Forward(step.Sample) - a.Forward(y)).abs().max().item<double>());
            }
        }
        var result = sdedit.Sample(GaussianPrior.Model(schedule), a, y, g, observer: Observe);
        Assert.NotNull(atS);
        using var known = a.Mask.expand_as(atS).to(ScalarType.Bool);
        var standardised = ((atS - y * schedule.SqrtAlphaBars[s]) / schedule.SqrtOneMinusAlphaBars[s]).masked_select(known);
        double mean = standardised.mean().item<double>(), variance = standardised.var().item<double>();
        output.WriteLine($"{mode}: known pixels at s = {s}: (x − √ᾱ y)/√(1 − ᾱ) mean {mean:F4}, variance {variance:F4}; max |x − y| on them over the chain {worstClean:E2}");
        double endGap = (a.Forward(result) - a.Forward(y)).abs().max().item<double>();
        switch (mode)
        {
            case SdEditKnownPixels.Renoised:
                Assert.InRange(mean, -0.03, 0.03);
                Assert.InRange(variance, 0.95, 1.05);
                Assert.Equal(0.0, endGap);
                break;
            case SdEditKnownPixels.Clean:
                Assert.Equal(0.0, worstClean);
                Assert.Equal(0.0, endGap);
                break;
            default:
                Assert.True(endGap > 1e-2, "free known pixels should drift from y");
                Assert.True(worstClean > 1e-2);
                break;
        }
    }

    /// <summary>
    /// Deblurring 8×8 images (5×5 blur, σ 1.5, σ_y = 0.01) from the back-projection with the same draws: the mean residual
    /// ‖y − A x‖ of the result falls with the data-fidelity step, gradient or proximal, and falls further as γ grows.
    /// </summary>
    [Fact]
    public void FidelityStep_LowersTheMeasurementResidual()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(52);
        var schedule = GaussianPrior.Schedule();
        var a = new GaussianBlur(8, 8, 5, 1.5, BlurPadding.Reflect);
        var x = rand([16, 1, 8, 8], ScalarType.Float64, generator: g) * 2 - 1;
        var y = a.Measure(x, 0.01, g);
        double Residual(SdEditOptions options)
        {
            using var inner = NewDisposeScope();
            using var draws = new Generator(9);
            var result = new SdEdit(schedule, options with { T0 = 0.5, Repeats = 1 }).Sample(GaussianPrior.Model(schedule), a, y, draws);
            return (y - a.Forward(result)).flatten(1).norm(1).mean().item<double>();
        }
        double none = Residual(new SdEditOptions());
        double gradient = Residual(new SdEditOptions { FidelityWeight = 1 });
        double proximal = Residual(new SdEditOptions { FidelityWeight = 1, FidelityStep = DataFidelityStep.Proximal });
        double strong = Residual(new SdEditOptions { FidelityWeight = 20, FidelityStep = DataFidelityStep.Proximal });
        double noise = 0.01 * 8;  // ‖σ_y n‖ ≈ σ_y √64
        output.WriteLine($"mean ‖y − A x‖: none {none:F4}, gradient γ = 1 {gradient:F4}, proximal γ = 1 {proximal:F4}, proximal γ = 20 {strong:F4} (noise ≈ {noise:F3})");
        Assert.True(gradient < 0.8 * none, $"gradient {gradient} vs none {none}");
        Assert.True(proximal < 0.8 * none, $"proximal {proximal} vs none {none}");
        Assert.True(strong < proximal, $"γ = 20: {strong} vs γ = 1: {proximal}");
    }

    [Fact]
    public void DataFidelity_GradientDescends_ProximalSolvesItsNormalEquations()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(53);
        var a = new GaussianBlur(6, 6, 3, 1.0, BlurPadding.Zero);
        var x = randn([3, 1, 6, 6], ScalarType.Float64, generator: g);
        var y = randn([3, 1, 6, 6], ScalarType.Float64, generator: g);
        Tensor F(Tensor u) => 0.5 * (y - a.Forward(u)).flatten(1).square().sum(1);

        var stepped = DataFidelity.Apply(a, y, x, 1.0, DataFidelityStep.Gradient);
        Assert.True((F(stepped) < F(x)).all().item<bool>(), "a gradient step with γ = 1 < 2/‖A‖² should lower ½‖y − A x‖² for every image");
        Assert.Equal(0.0, (stepped - (x + a.Adjoint(y - a.Forward(x)))).abs().max().item<double>(), 12);

        const double gamma = 3.0;
        var prox = DataFidelity.Apply(a, y, x, gamma, DataFidelityStep.Proximal);
        var lhs = gamma * a.Adjoint(a.Forward(prox)) + prox;
        var rhs = x + gamma * a.Adjoint(y);
        double relative = ((lhs - rhs).norm() / rhs.norm()).item<double>();
        Assert.True(relative < 1e-5, $"(γAᵀA + I) x' − (x + γAᵀy): relative {relative}");
        Assert.True((F(prox) < F(x)).all().item<bool>());

        Assert.Equal(0.0, (DataFidelity.Apply(a, y, x, 0, DataFidelityStep.Proximal) - x).abs().max().item<double>());
        Assert.Throws<ArgumentOutOfRangeException>(() => DataFidelity.Apply(a, y, x, -1, DataFidelityStep.Gradient));
        var shape = Assert.Throws<ArgumentException>(() => DataFidelity.Apply(a, y[..2], x, 1, DataFidelityStep.Gradient));
        Assert.Contains("y has shape", shape.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SdEdit(GaussianPrior.Schedule(), new SdEditOptions { FidelityWeight = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SdEdit(GaussianPrior.Schedule(), new SdEditOptions { KnownPixels = (SdEditKnownPixels)9 }));
    }
}
