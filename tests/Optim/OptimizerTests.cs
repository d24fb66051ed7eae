using Diffusion.Nn;
using Diffusion.Optim;
using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Optim;

/// <summary>Adam, AdamW and gradient clipping against torch.optim in PyTorch 1.13.1 (optim.json from make_nn.py), float64.</summary>
public class OptimizerTests
{
    private static readonly Lazy<Fixture> s_fixture = new(() => Fixture.Load("optim.json"));

    private static Fixture Data => s_fixture.Value;

    /// <summary>Runs <paramref name="steps"/> optimizer steps on mse(x W^T + b, y) from the fixture's start, returns (W, b).</summary>
    private static (Tensor W, Tensor B) Run(Func<IEnumerable<Tensor>, Optimizer> make, int steps = 5)
    {
        var x = Data.Tensor("x");
        var y = Data.Tensor("y");
        var w = Data.Tensor("w0").RequiresGrad_();
        var b = Data.Tensor("b0").RequiresGrad_();
        using var opt = make([w, b]);
        for (int i = 0; i < steps; i++)
        {
            using var scope = new TensorScope();
            opt.ZeroGrad();
            Functional.MseLoss(Functional.Linear(x, w, b), y).Backward();
            opt.Step();
        }
        Assert.Equal(steps, opt.StepCount);
        return (w, b);
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("adam_wd")]
    [InlineData("adam_ams")]
    [InlineData("adamw")]
    [InlineData("adamw_ams")]
    public void FiveSteps_MatchPyTorch(string name)
    {
        using var scope = new TensorScope();
        Func<IEnumerable<Tensor>, Optimizer> make = name switch
        {
            "adam" => p => new Adam(p, lr: 0.1),
            "adam_wd" => p => new Adam(p, lr: 0.1, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1),
            "adam_ams" => p => new Adam(p, lr: 0.05, weightDecay: 0.01, amsgrad: true),
            "adamw" => p => new AdamW(p, lr: 0.1, weightDecay: 0.1),
            "adamw_ams" => p => new AdamW(p, lr: 0.05, weightDecay: 0.2, amsgrad: true),
            _ => throw new ArgumentException(name),
        };
        var (w, b) = Run(make);
        TensorAssert.Close(Data, name + ".w", w, 1e-6, 0);
        TensorAssert.Close(Data, name + ".b", b, 1e-6, 0);
    }

    [Fact]
    public void StateDict_HoldsStepAndMomentsPerParameterName()
    {
        using var scope = new TensorScope();
        var x = Data.Tensor("x");
        var y = Data.Tensor("y");
        using var m = new Linear(4, 3);
        m.To(DType.Float64);
        m.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Data.Tensor("w0"), ["bias"] = Data.Tensor("b0") });
        using var opt = new Adam(m, lr: 0.1);
        for (int i = 0; i < 5; i++)
        {
            opt.ZeroGrad();
            Functional.MseLoss(m.Forward(x), y).Backward();
            opt.Step();
        }
        var state = opt.StateDict();
        Assert.Equal(["weight.step", "weight.exp_avg", "weight.exp_avg_sq", "bias.step", "bias.exp_avg", "bias.exp_avg_sq"], state.Keys);
        Assert.Equal(5.0, state["weight.step"].ToDouble());
        TensorAssert.Close(Data, "adam.exp_avg_sq.w", state["weight.exp_avg_sq"], 1e-9, 1e-6);

        // A fresh optimizer loaded from the state continues exactly like the original.
        using var copy = new Adam(m, lr: 0.1);
        copy.LoadStateDict(state);
        Assert.Equal(5, copy.StepCount);
        var before = m.Weight.Detach().Clone();
        Functional.MseLoss(m.Forward(x), y).Backward();
        copy.Step();
        var viaCopy = m.Weight.Detach().Clone();
        using (Torch.NoGrad())
        {
            m.Weight.Copy_(before);
        }
        opt.Step();
        TensorAssert.Close(viaCopy.ToArray<double>(), m.Weight, 1e-15, 0, "resumed step");
    }

    [Fact]
    public void ClipGradNorm_MatchesPyTorch()
    {
        using var scope = new TensorScope();
        var w = Data.Tensor("w0").RequiresGrad_();
        var b = Data.Tensor("b0").RequiresGrad_();
        Functional.MseLoss(Functional.Linear(Data.Tensor("x"), w, b), Data.Tensor("y")).Backward();
        double total = GradClip.ClipGradNorm([w, b], 0.5);
        Assert.Equal(Data.Scalar("clip.total"), total, 1e-12);
        TensorAssert.Close(Data, "clip.dw", w.Grad!, 1e-12, 1e-12);
        TensorAssert.Close(Data, "clip.db", b.Grad!, 1e-12, 1e-12);
    }

    [Fact]
    public void ClipGradNorm_LeavesSmallGradientsAlone()
    {
        using var scope = new TensorScope();
        var w = Torch.Ones([3], DType.Float64).RequiresGrad_();
        (w * 0.1).Sum().Backward();
        double total = GradClip.ClipGradNorm([w], 10);
        Assert.Equal(Math.Sqrt(3 * 0.01), total, 12);
        Assert.All(w.Grad!.ToArray<double>(), v => Assert.Equal(0.1, v, 12));
    }

    [Fact]
    public void LinearWarmup_RampsTheLearningRate()
    {
        using var scope = new TensorScope();
        var p = Torch.Zeros([2]).RequiresGrad_();
        using var opt = new Adam([p], lr: 2e-4);
        var warmup = new LinearWarmup(opt, warmupSteps: 4);
        var rates = new List<double> { opt.LearningRate };
        for (int i = 0; i < 5; i++)
        {
            warmup.Step();
            rates.Add(opt.LearningRate);
        }
        Assert.Equal([0.5e-4, 1e-4, 1.5e-4, 2e-4, 2e-4, 2e-4], rates.Select(r => Math.Round(r, 12)));
        Assert.Equal(0.25, LinearWarmup.Factor(0, 4));
    }

    [Fact]
    public void Ema_AveragesParametersAndCopiesBack()
    {
        using var scope = new TensorScope();
        using var m = new Linear(2, 1);
        m.To(DType.Float64);
        m.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = Torch.FromArray(new double[] { 1, 2 }, 1, 2),
            ["bias"] = Torch.FromArray(new double[] { 0 }, 1),
        });
        using var ema = new Ema(m, decay: 0.9);
        using (Torch.NoGrad())
        {
            m.Weight.Fill_(11);
            m.Bias!.Fill_(10);
        }
        ema.Update(m);
        ema.Update(m);
        // shadow_2 = 0.81 * start + 0.19 * 11 (weight), 0.19 * 10 (bias)
        TensorAssert.Close([0.81 * 1 + 0.19 * 11, 0.81 * 2 + 0.19 * 11], ema.StateDict()["weight"], 1e-12, 0, "weight");
        TensorAssert.Close([1.9], ema.StateDict()["bias"], 1e-12, 0, "bias");
        Assert.Equal(2, ema.UpdateCount);
        ema.CopyTo(m);
        TensorAssert.Close([0.81 * 1 + 0.19 * 11, 0.81 * 2 + 0.19 * 11], m.Weight, 1e-12, 0, "copied");
        Assert.True(m.Weight.RequiresGrad);
    }
}

/// <summary>A long optimizer loop in flat native memory (runs alone: it reads the process-wide live count).</summary>
[Collection(SerialCollection.Name)]
public class OptimizerMemoryTests
{
    [Fact]
    public void TrainingLoop_KeepsLiveTensorCountFlat()
    {
        Torch.ManualSeed(0);
        using var model = new Sequential(new Linear(4, 16), new SiLU(), new Linear(16, 1));
        using var opt = new AdamW(model, lr: 1e-2);
        using var ema = new Ema(model, 0.99);
        var warmup = new LinearWarmup(opt, 10);
        using var x = Torch.Randn([32, 4]);
        using var y = Torch.Randn([32, 1]);
        long live = 0;
        for (int i = 0; i < 1000; i++)
        {
            using (var scope = new TensorScope())
            {
                opt.ZeroGrad();
                var loss = Functional.MseLoss(model.Forward(x), y);
                loss.Backward();
                GradClip.ClipGradNorm(model.Parameters(), 1.0);
                opt.Step();
                ema.Update(model);
                warmup.Step();
            }
            if (i == 10)
            {
                live = LiveTensors.Count();
            }
        }
        Assert.Equal(live, LiveTensors.Count());
    }
}
