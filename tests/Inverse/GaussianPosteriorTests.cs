using Diffusion.Ddpm;
using Diffusion.Inverse;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>
/// The samplers against the closed-form posterior of a Gaussian prior x_0 ~ N(0, I) with its exact ε-model (see
/// <see cref="GaussianPrior"/>), on 1×4×4 images, T = 100.
/// </summary>
public sealed class GaussianPosteriorTests(ITestOutputHelper output)
{
    private const double SigmaY = 0.1;
    private static readonly long[] Image = [1, 1, 4, 4];

    public static TheoryData<string> Operators => new() { "blur", "box" };

    private static MeasurementOperator Make(string name) => name switch
    {
        "blur" => new GaussianBlur(4, 4, 3, 1.0, BlurPadding.Zero),
        "box" => PixelMask.Box(4, 4, 1, 1, 2, 2),
        _ => throw new ArgumentException(name),
    };

    /// <summary>One image x ~ N(0, I), its measurement y [1, …], and N copies of y.</summary>
    private static (Tensor Y, Tensor Batch) Measure(MeasurementOperator a, int n, Generator g)
    {
        var x = randn(Image, generator: g);
        var y = a.Measure(x, SigmaY, g);
        return (y, y.expand([n, .. y.shape.Skip(1)]).contiguous());
    }

    /// <summary>Per-pixel sample mean [d] and variance [d] (float64).</summary>
    private static (Tensor Mean, Tensor Variance) Moments(Tensor samples)
    {
        var flat = samples.to(ScalarType.Float64).reshape(samples.shape[0], -1);
        return (flat.mean([0]), flat.var(0));
    }

    [Theory]
    [MemberData(nameof(Operators))]
    public void ScoreAld_SampleMomentsMatchItsExactRecursionAndApproachTheClosedFormPosterior(string name)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(21);
        // 50 levels geometric from σ 30 down to 0.01, 100 steps each, ε = 0.9 σ_L² (stable: η_i λ_max ≤ 1.8 at every level).
        var schedule = GaussianPrior.GeometricSchedule(50, 0.01, 30);
        var a = Make(name);
        const int n = 2000;
        var (y, batch) = Measure(a, n, g);
        var (mean, cov) = GaussianPrior.Posterior(a, Image, y, SigmaY);
        var options = new ScoreAldOptions { StepsPerLevel = 100, StepSize = 0.9 * Math.Pow(ScoreAld.Sigma(schedule, 0), 2), SigmaY = SigmaY };
        var ald = new ScoreAld(schedule, options);
        var samples = ald.Sample(GaussianPrior.Model(schedule), a, batch, g);
        var (m, v) = Moments(samples);

        // The chain is linear-Gaussian here, so its exact moments follow from m ← M m + b, C ← M C Mᵀ + 2η I with
        // M = I − η (ᾱ_i I + AᵀA/(σ_y² + σ_i²)), b = η Aᵀy/(σ_y² + σ_i²), from m = 0, C = (1 + σ_1²) I.
        var (recMean, recCov) = AldMoments(GaussianPrior.Matrix(a, Image), y, ald.Sigmas, ald.StepSizes, options.StepsPerLevel, SigmaY);
        var recVar = recCov.diagonal();
        double zMean = ((m - recMean) / (recVar / n).sqrt()).abs().max().item<double>();
        double varVsRec = ((v - recVar) / recVar).abs().max().item<double>();
        // … and those moments approach the posterior's (annealed Langevin dynamics leaves a small bias at a finite ladder).
        var exactVar = cov.diagonal();
        double recMeanErr = (recMean - mean).abs().max().item<double>();
        double recVarErr = ((recVar - exactVar) / exactVar).abs().max().item<double>();
        double meanErr = (m - mean).abs().max().item<double>();
        double varErr = ((v - exactVar) / exactVar).abs().max().item<double>();
        output.WriteLine($"{a.Name}: samples vs the chain's exact moments: max |z| of the mean {zMean:F2}, max relative variance error {varVsRec:P1}");
        output.WriteLine($"  chain's exact moments vs the posterior: max |mean − μ| = {recMeanErr:F4}, variance {recVarErr:P1}");
        output.WriteLine($"  samples vs the posterior: max |mean − μ| = {meanErr:F4} (prior mean's {mean.abs().max().item<double>():F4}), variance {varErr:P1}; posterior variances {exactVar.min().item<double>():F4} … {exactVar.max().item<double>():F4}");
        // 2000 samples: a mean is within 5 standard errors, a variance within 5 √(2/n) = 16 %.
        Assert.True(zMean < 5, $"sample mean off the chain's exact mean by {zMean} standard errors");
        Assert.True(varVsRec < 0.16, $"sample variance off the chain's exact variance by {varVsRec}");
        Assert.True(recMeanErr < 0.06 && recVarErr < 0.06, $"the chain's moments miss the posterior: mean {recMeanErr}, variance {recVarErr}");
        Assert.True(meanErr < 0.1 && varErr < 0.2, $"samples miss the posterior: mean {meanErr}, variance {varErr}");
    }

    /// <summary>The exact mean [d] and covariance [d, d] of ScoreALD's chain for the Gaussian prior (float64).</summary>
    private static (Tensor Mean, Tensor Covariance) AldMoments(Tensor a, Tensor y, double[] sigmas, double[] etas, int steps, double sigmaY)
    {
        using var scope = NewDisposeScope();
        long d = a.shape[1];
        var identity = eye(d, dtype: ScalarType.Float64);
        var ata = a.t().matmul(a);
        var aty = a.t().matmul(y.to(ScalarType.Float64).reshape(-1));
        var mean = zeros(d, dtype: ScalarType.Float64);
        var cov = identity * (1 + sigmas[0] * sigmas[0]);
        for (int i = 0; i < sigmas.Length; i++)
        {
            double w = 1 / (sigmaY * sigmaY + sigmas[i] * sigmas[i]), alphaBar = 1 / (1 + sigmas[i] * sigmas[i]), eta = etas[i];
            var m = identity - (identity * alphaBar + ata * w) * eta;
            var b = aty * (eta * w);
            for (int k = 0; k < steps; k++)
            {
                using var step = NewDisposeScope();
                var nextMean = (m.matmul(mean) + b).MoveToOuterDisposeScope();
                var nextCov = (m.matmul(cov).matmul(m.t()) + identity * (2 * eta)).MoveToOuterDisposeScope();
                mean = nextMean;
                cov = nextCov;
            }
        }
        return (mean.MoveToOuterDisposeScope(), cov.MoveToOuterDisposeScope());
    }

    [Theory]
    [MemberData(nameof(Operators))]
    public void Dps_MovesTheMeanTowardThePosterior(string name)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(22);
        var schedule = GaussianPrior.Schedule();
        var a = Make(name);
        var (y, batch) = Measure(a, 500, g);
        var (mean, _) = GaussianPrior.Posterior(a, Image, y, SigmaY);
        var dps = new Dps(schedule, new DpsOptions { Scale = 0.3, ClipDenoised = false });
        var samples = dps.Sample(GaussianPrior.Model(schedule), a, batch, g);
        var (m, _) = Moments(samples);
        double err = (m - mean).norm().item<double>(), priorErr = mean.norm().item<double>();
        output.WriteLine($"{a.Name}: |mean − μ| = {err:F4}, prior mean's |μ| = {priorErr:F4}");
        Assert.True(err < 0.75 * priorErr, $"DPS mean error {err} vs the prior's {priorErr}");
    }

    [Theory]
    [MemberData(nameof(Operators))]
    public void SdEdit_MovesTheMeanTowardThePosterior(string name)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(23);
        var schedule = GaussianPrior.Schedule();
        var a = Make(name);
        var (y, batch) = Measure(a, 500, g);
        var (mean, _) = GaussianPrior.Posterior(a, Image, y, SigmaY);
        var sdedit = new SdEdit(schedule, new SdEditOptions { T0 = 0.15, Repeats = 1 });
        var samples = sdedit.Sample(GaussianPrior.Model(schedule), a, batch, g);
        var (m, _) = Moments(samples);
        double err = (m - mean).norm().item<double>(), priorErr = mean.norm().item<double>();
        output.WriteLine($"{a.Name}: |mean − μ| = {err:F4}, prior mean's |μ| = {priorErr:F4}");
        Assert.True(err < priorErr, $"SDEdit mean error {err} vs the prior's {priorErr}");
    }
}
