using Diffusion.Ddpm;
using Diffusion.Inverse;
using Diffusion.Metrics;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>The evaluation of notebook 05: rows by hand, the same y for every method, the denoising table with an oracle ε.</summary>
public sealed class InverseEvaluationTests
{
    private static Tensor Digits(int n, ulong seed)
    {
        using var g = new Generator(seed);
        return (rand([n, 1, 28, 28], generator: g) * 2 - 1).MoveToOuterDisposeScope();
    }

    [Fact]
    public void MeasurementRow_IsThePsnrOfTheBackProjection_AndRowsDoNotDependOnOtherMethods()
    {
        using var scope = NewDisposeScope();
        using var network = FeatureNetwork.Load(Repository.FidNetwork);
        var x0 = Digits(2, 5);
        var task = InverseTask.Deblurring();
        var settings = new InverseSettings { TvSolvers = [new AdmmTv(iterations: 5)] };
        EpsilonModel model = (x, t) => zeros_like(x);
        var lambdas = new Dictionary<string, double> { ["admm-tv"] = 0.01 };
        var both = InverseEvaluation.Run(model, GaussianPrior.Schedule(), task, x0, network, settings, lambdas, seed: 3, methods: ["measurement", "admm-tv"]);
        var alone = InverseEvaluation.Run(model, GaussianPrior.Schedule(), task, x0, network, settings, lambdas, seed: 3, methods: ["admm-tv"]).Single();

        using var g = new Generator(3);
        var y = task.Operator.Measure(x0, 0.05, g);
        double byHand = Psnr.Mean((task.Operator.Adjoint(y).clamp(-1, 1) + 1) / 2, (x0 + 1) / 2);
        Assert.Equal(["measurement", "admm-tv"], both.Select(r => r.Method));
        Assert.Equal(byHand, both[0].Psnr, 10);
        Assert.Equal(both[1].Psnr, alone.Psnr, 10);
        Assert.Equal(0.01, alone.Lambda);
        Assert.Null(both[0].Lambda);
    }

    [Fact]
    public void UnknownMethodOrMissingLambda_IsRejected()
    {
        using var scope = NewDisposeScope();
        using var network = FeatureNetwork.Load(Repository.FidNetwork);
        var x0 = Digits(1, 6);
        EpsilonModel model = (x, t) => zeros_like(x);
        var schedule = GaussianPrior.Schedule();
        var unknown = Assert.Throws<ArgumentException>(() => InverseEvaluation.Run(model, schedule, InverseTask.Inpainting(), x0, network, new InverseSettings(),
            new Dictionary<string, double>(), methods: ["lpips"]));
        Assert.Contains("lpips", unknown.Message);
        var missing = Assert.Throws<ArgumentException>(() => InverseEvaluation.Run(model, schedule, InverseTask.Inpainting(), x0, network, new InverseSettings(),
            new Dictionary<string, double>(), methods: ["hqs-tv"]));
        Assert.Contains("hqs-tv", missing.Message);
    }

    [Fact]
    public void Denoise_WithTheOracleEpsilon_RecoversTheDigitsExactly()
    {
        using var scope = NewDisposeScope();
        var x0 = Digits(2, 7) * 0.9;
        var schedule = NoiseSchedule.Linear(1000);
        // ε*(x_t, t) = (x_t − √ᾱ_t x_0)/√(1 − ᾱ_t): x̂_0 = x_0 at every step, and the last step's mean is x̂_0.
        EpsilonModel oracle = (x, t) =>
        {
            double ab = schedule.AlphaBars[(int)t[0].item<long>()];
            return (x - x0 * Math.Sqrt(ab)) / Math.Sqrt(1 - ab);
        };
        var rows = InverseEvaluation.Denoise(oracle, schedule, x0, [10, 250], maxChainSteps: 5, seed: 1, batchSize: 2);
        Assert.Equal(6, rows.Count);
        foreach (var row in rows.Where(r => r.Method != "noisy"))
        {
            Assert.True(row.Psnr > 60, $"t = {row.T} {row.Method}: PSNR {row.Psnr}");
            Assert.True(row.Ssim > 0.9999, $"t = {row.T} {row.Method}: SSIM {row.Ssim}");
        }
        Assert.Equal([0, 1, 5, 0, 1, 5], rows.Select(r => r.Steps));
        Assert.True(rows.Single(r => r.T == 250 && r.Method == "noisy").Psnr < rows.Single(r => r.T == 10 && r.Method == "noisy").Psnr);
    }

    [Fact]
    public void DpsOptions_ScaleZetaByTOverSteps()
    {
        var settings = new InverseSettings { DpsSteps = 100 };
        Assert.Equal(5.0, settings.DpsFor(InverseTask.Inpainting()).Scale, 12);
        Assert.Equal(3.0, settings.DpsFor(InverseTask.Deblurring()).Scale, 12);
        Assert.Equal(0.5, (settings with { ScaleDpsStepWithRespacing = false }).DpsFor(InverseTask.Inpainting()).Scale, 12);
        Assert.Equal(9e-7 * 20, InverseSettings.AldStepSize(50), 15);
        // The rule and an explicit ζ (e.g. chosen on validation digits for the squared rule) reach the options.
        Assert.Equal(DpsStepRule.UnsquaredNorm, settings.DpsFor(InverseTask.Inpainting()).StepRule);
        var squared = (settings with { DpsRule = DpsStepRule.SquaredNorm, DpsScale = 0.02, ScaleDpsStepWithRespacing = false }).DpsFor(InverseTask.Deblurring());
        Assert.Equal((DpsStepRule.SquaredNorm, 0.02, 100), (squared.StepRule, squared.Scale, squared.Steps!.Value));
    }
}
