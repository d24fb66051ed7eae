using Diffusion.Ddpm;
using Diffusion.Inverse;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>DPS: the guidance gradient by finite differences, per-sample independence, a zero residual.</summary>
public sealed class DpsTests
{
    /// <summary>
    /// A nonlinear ε-model that treats samples independently but mixes the pixels of each image:
    /// ε̂ = √(1 − ᾱ_t) (x + 0.3 sin 2x + 0.2 mean_pixels(x)).
    /// </summary>
    private static EpsilonModel Nonlinear(NoiseSchedule schedule) => (x, t) =>
    {
        using var scope = NewDisposeScope();
        var c = NoiseSchedule.Extract(schedule.SqrtOneMinusAlphaBars, t, x);
        var mixed = x + (x * 2).sin() * 0.3 + x.mean([1, 2, 3], keepdim: true) * 0.2;
        return (mixed * c).MoveToOuterDisposeScope();
    };

    /// <summary>f(x) = Σ_b ‖y_b − A(x̂_0(x))_b‖ (squared: Σ_b ‖·‖²) with x̂_0 = (x − √(1 − ᾱ_t) ε̂)/√ᾱ_t, in float64.</summary>
    private static double Objective(NoiseSchedule schedule, EpsilonModel model, MeasurementOperator a, Tensor y, Tensor x, int t, bool squared = false)
    {
        using var scope = NewDisposeScope();
        var eps = model(x, NoiseSchedule.Steps(t, x.shape[0]));
        var x0 = (x - eps * schedule.SqrtOneMinusAlphaBars[t]) / schedule.SqrtAlphaBars[t];
        var norms = (y - a.Forward(x0)).flatten(1).norm(1);
        return (squared ? norms.square() : norms).sum().item<double>();
    }

    /// <summary>
    /// The squared rule on a tiny linear problem (ε̂ linear in x, A a 3×3 blur of 4×4 images): its guidance matches central finite
    /// differences of Σ_b ‖r_b‖², and per image it is the unsquared rule's guidance times 2‖r_b‖ (∇‖r‖² = 2‖r‖ ∇‖r‖).
    /// </summary>
    [Fact]
    public void SquaredRule_MatchesFiniteDifferences_AndIsTheUnsquaredTimesTwiceTheResidual()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(35);
        var schedule = GaussianPrior.Schedule();
        EpsilonModel linear = (x, t) =>
        {
            using var inner = NewDisposeScope();
            var c = NoiseSchedule.Extract(schedule.SqrtOneMinusAlphaBars, t, x);
            return (x * c * 0.7).MoveToOuterDisposeScope();
        };
        var a = new GaussianBlur(4, 4, 3, 1.0, BlurPadding.Zero);
        var squared = new Dps(schedule, new DpsOptions { ClipDenoised = false, StepRule = DpsStepRule.SquaredNorm });
        var unsquared = new Dps(schedule, new DpsOptions { ClipDenoised = false });
        const int t = 50;
        var x = randn([2, 1, 4, 4], ScalarType.Float64, generator: g);
        var y = randn([2, 1, 4, 4], ScalarType.Float64, generator: g);
        var (gSquared, _, normsSquared) = squared.MeasurementGradient(linear, a, y, x, t);
        var (gUnsquared, _, norms) = unsquared.MeasurementGradient(linear, a, y, x, t);
        Assert.Equal(0.0, (normsSquared - norms).abs().max().item<double>());

        const double h = 1e-6;
        var flat = x.reshape(-1);
        var analytic = gSquared.reshape(-1).data<double>().ToArray();
        double worst = 0;
        for (int i = 0; i < analytic.Length; i++)
        {
            using var inner = NewDisposeScope();
            var plus = flat.clone();
            plus[i] = plus[i] + h;
            var minus = flat.clone();
            minus[i] = minus[i] - h;
            double numeric = (Objective(schedule, linear, a, y, plus.reshape(x.shape), t, squared: true)
                - Objective(schedule, linear, a, y, minus.reshape(x.shape), t, squared: true)) / (2 * h);
            worst = Math.Max(worst, Math.Abs(numeric - analytic[i]));
        }
        Assert.True(worst < 1e-6, $"max |finite difference − autograd| = {worst}");
        Assert.True(gSquared.abs().max().item<double>() > 1e-2, "the gradient is not trivially zero");
        var scaled = gUnsquared * (2 * norms).reshape(2, 1, 1, 1);
        Assert.True((gSquared - scaled).abs().max().item<double>() < 1e-10 * gSquared.abs().max().item<double>(), "∇‖r‖² ≠ 2‖r‖ ∇‖r‖");
        Assert.True((2 * norms - 1).abs().min().item<double>() > 0.5, "2‖r‖ should be far from 1 so the two rules differ in length");
    }

    /// <summary>One DPS step from the same x_T and draws: the squared rule with ζ/(2‖r‖) lands where the unsquared rule with ζ does.</summary>
    [Fact]
    public void Rules_TakeTheSameStep_WhenZetaIsRescaledByTwiceTheResidual()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(36);
        var schedule = GaussianPrior.Schedule();
        var model = Nonlinear(schedule);
        var a = PixelMask.Box(4, 4, 1, 1, 2, 2);
        var x = randn([1, 1, 4, 4], ScalarType.Float64, generator: g);
        var y = randn([1, 1, 4, 4], ScalarType.Float64, generator: g);
        var probe = new Dps(schedule, new DpsOptions { ClipDenoised = false, Steps = 1 });
        double r = probe.MeasurementGradient(model, a, y, x, probe.Timesteps[0]).ResidualNorms.item<double>();
        Tensor Step(DpsOptions options)
        {
            using var gen = new Generator(1);
            // One step from x_T = x: the first draw is x, then the generator's.
            bool first = true;
            NoiseSource noise = (shape, dtype, device) =>
            {
                if (first)
                {
                    first = false;
                    return x.clone();
                }
                return randn(shape, dtype, device, generator: gen);
            };
            return new Dps(schedule, options with { ClipDenoised = false, Steps = 1 }).Sample(model, a, y, noise);
        }
        var unsquaredStep = Step(new DpsOptions { Scale = 0.4 });
        var squaredStep = Step(new DpsOptions { Scale = 0.4 / (2 * r), StepRule = DpsStepRule.SquaredNorm });
        var sameZeta = Step(new DpsOptions { Scale = 0.4, StepRule = DpsStepRule.SquaredNorm });
        Assert.True((unsquaredStep - squaredStep).abs().max().item<double>() < 1e-12);
        Assert.True((unsquaredStep - sameZeta).abs().max().item<double>() > 1e-2, "with the same ζ the squared rule should step further");
    }

    [Fact]
    public void MeasurementGradient_MatchesCentralFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(31);
        var schedule = GaussianPrior.Schedule();
        var model = Nonlinear(schedule);
        var a = new GaussianBlur(4, 4, 3, 1.0, BlurPadding.Reflect);
        var dps = new Dps(schedule, new DpsOptions { ClipDenoised = false });
        const int t = 40;
        var x = randn([2, 1, 4, 4], ScalarType.Float64, generator: g);
        var y = randn([2, 1, 4, 4], ScalarType.Float64, generator: g);
        var (gradient, x0, norms) = dps.MeasurementGradient(model, a, y, x, t);
        Assert.Equal(x.shape, gradient.shape);
        Assert.Equal([2L], norms.shape);
        Assert.Equal(Objective(schedule, model, a, y, x, t), norms.sum().item<double>(), 12);

        // Central differences on every coordinate, h = 1e-6: truncation and rounding both far below 1e-7.
        const double h = 1e-6;
        var flat = x.reshape(-1);
        var numeric = new double[flat.shape[0]];
        for (int i = 0; i < numeric.Length; i++)
        {
            using var inner = NewDisposeScope();
            var plus = flat.clone();
            plus[i] = plus[i] + h;
            var minus = flat.clone();
            minus[i] = minus[i] - h;
            numeric[i] = (Objective(schedule, model, a, y, plus.reshape(x.shape), t) - Objective(schedule, model, a, y, minus.reshape(x.shape), t)) / (2 * h);
        }
        var analytic = gradient.reshape(-1).data<double>().ToArray();
        double worst = numeric.Zip(analytic, (n, an) => Math.Abs(n - an)).Max();
        Assert.True(worst < 1e-7, $"max |finite difference − autograd| = {worst}");
        Assert.True(analytic.Max(Math.Abs) > 1e-2, "the gradient is not trivially zero");
    }

    [Fact]
    public void MeasurementGradient_IsPerSample()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(32);
        var schedule = GaussianPrior.Schedule();
        var model = Nonlinear(schedule);
        var a = PixelMask.Box(4, 4, 1, 1, 2, 2);
        var dps = new Dps(schedule, new DpsOptions { ClipDenoised = false });
        var x = randn([3, 1, 4, 4], ScalarType.Float64, generator: g);
        var y = randn([3, 1, 4, 4], ScalarType.Float64, generator: g);
        var batch = dps.MeasurementGradient(model, a, y, x, 30).Gradient;
        for (int b = 0; b < 3; b++)
        {
            var alone = dps.MeasurementGradient(model, a, y[b..(b + 1)], x[b..(b + 1)], 30).Gradient;
            Assert.True((alone - batch[b..(b + 1)]).abs().max().item<double>() < 1e-14, $"sample {b}'s gradient depends on its batch-mates");
        }
        // The public code's gradient of one norm over the batch, ‖R‖ = √(Σ_b ‖r_b‖²), is ours scaled by ‖r_b‖/‖R‖ for sample b:
        // its step for one image grows or shrinks with the others' residuals.
        var norms = dps.MeasurementGradient(model, a, y, x, 30).ResidualNorms;
        var xt = x.detach().requires_grad_(true);
        var eps = model(xt, NoiseSchedule.Steps(30, 3));
        var x0 = (xt - eps * schedule.SqrtOneMinusAlphaBars[30]) / schedule.SqrtAlphaBars[30];
        var coupled = torch.autograd.grad([(y - a.Forward(x0)).norm()], [xt])[0];
        var scale = (norms / norms.square().sum().sqrt()).reshape(3, 1, 1, 1);
        Assert.True((coupled - batch * scale).abs().max().item<double>() < 1e-12);
        Assert.True((coupled - batch).abs().max().item<double>() > 1e-2, "the batch-coupled gradient should differ from the per-sample one");
    }

    [Fact]
    public void Sample_OfOneImage_DoesNotDependOnItsBatchMates()
    {
        using var scope = NewDisposeScope();
        var schedule = GaussianPrior.Schedule();
        var model = Nonlinear(schedule);
        var a = new GaussianBlur(4, 4, 3, 1.0, BlurPadding.Zero);
        var dps = new Dps(schedule, new DpsOptions { Scale = 0.5, Steps = 25 });
        using var g = new Generator(33);
        var y = a.Measure(rand([3, 1, 4, 4], generator: g) * 2 - 1, 0.05, g);
        var other = y.clone();
        other[1..] = a.Measure(rand([2, 1, 4, 4], generator: g) * 2 - 1, 0.05, g) * 3;

        using var g1 = new Generator(7);
        var first = dps.Sample(model, a, y, g1);
        using var g2 = new Generator(7);
        var second = dps.Sample(model, a, other, g2);
        // Same draws, same y for image 0: the same result, whatever images 1 and 2 are.
        Assert.Equal(0.0, (first[0] - second[0]).abs().max().item<float>());
        Assert.True((first[1..] - second[1..]).abs().max().item<float>() > 1e-2, "the batch-mates' results should change with their y");
        Assert.False(first.isnan().any().item<bool>());
    }

    [Fact]
    public void MeasurementGradient_OfAZeroResidual_IsZeroNotNaN()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(34);
        var schedule = GaussianPrior.Schedule();
        var model = GaussianPrior.Model(schedule);
        var a = PixelMask.Box(4, 4, 0, 0, 2, 4);
        var dps = new Dps(schedule, new DpsOptions { ClipDenoised = false });
        var x = randn([2, 1, 4, 4], generator: g);
        var (_, x0, _) = dps.MeasurementGradient(model, a, zeros(2, 1, 4, 4), x, 10);
        var (gradient, _, norms) = dps.MeasurementGradient(model, a, a.Forward(x0), x, 10);
        Assert.Equal(0.0, norms.abs().max().item<float>());
        Assert.False(gradient.isnan().any().item<bool>());
        Assert.Equal(0.0, gradient.abs().max().item<float>());
    }

    [Fact]
    public void Options_HoldThePublishedSettings()
    {
        Assert.Equal(0.5, DpsOptions.Inpainting.Scale);
        Assert.Equal(0.3, DpsOptions.GaussianDeblur.Scale);
        Assert.Equal(0.3, DpsOptions.SuperResolution.Scale);
        var dps = new Dps(NoiseSchedule.Linear(1000));
        Assert.Equal(1000, dps.Timesteps.Length);
        Assert.Equal(999, dps.Timesteps[0]);
        Assert.Equal(0, dps.Timesteps[^1]);
        Assert.True(dps.Options.ClipDenoised);
        Assert.Equal(DpsStepRule.UnsquaredNorm, dps.Options.StepRule);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dps(NoiseSchedule.Linear(10), new DpsOptions { StepRule = (DpsStepRule)7 }));
    }
}
