using Diffusion.Tests.Support;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;
using Diffusion.Training;

namespace Diffusion.Tests.Training;

/// <summary>A tiny denoiser (4 → 16 → 4 MLP with dropout), its data and a DDPM-like loss, for trainer tests.</summary>
internal sealed class TinyNet : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _net;

    public TinyNet(ulong seed) : base(nameof(TinyNet))
    {
        manual_seed((long)seed);
        _net = nn.Sequential(nn.Linear(4, 16), nn.SiLU(), nn.Dropout(0.1), nn.Linear(16, 4));
        register_module("net", _net);
        Diffusion.Engine.TensorAccounting.Settle(this);
    }

    public override Tensor forward(Tensor input) => _net.forward(input);
}

/// <summary>Builders shared by the training tests.</summary>
internal static class TinyRun
{
    /// <summary>64 fixed points in R^4 (seeded).</summary>
    public static Tensor Data()
    {
        using var g = new Generator(123);
        return randn([64, 4], generator: g).DetachFromDisposeScope();
    }

    /// <summary>Noise-prediction MSE: x_t = 0.8 x_0 + 0.6 ε, loss = ‖ε − f(x_t)‖² (ε from the trainer's generator).</summary>
    public static TrainingLoss Loss(TinyNet model) => (batch, generator) =>
    {
        var eps = randn(batch.shape, generator: generator);
        return nn.functional.mse_loss(model.forward(batch * 0.8 + eps * 0.6), eps);
    };

    public static TrainerOptions Options(string? folder, int steps, bool resume = false) => new()
    {
        Steps = steps,
        BatchSize = 8,
        LearningRate = 1e-2,
        WarmupSteps = 3,
        GradClip = 1.0,
        EmaDecay = 0.9,
        CheckpointEvery = 0,
        Seed = 7,
        OutputFolder = folder,
        Resume = resume,
    };

    public static Trainer Trainer(TinyNet model, Tensor data, TrainerOptions options, RunDescription? run = null) =>
        new(model, Loss(model), BatchSources.RandomRows(data, options.BatchSize), options, run) { ShowProgress = false };

    /// <summary>A fresh temporary folder, deleted by the returned guard.</summary>
    public static TempFolder Folder() => new();
}
