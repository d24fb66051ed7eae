using Diffusion.Hosting;
using Diffusion.Nn;
using Diffusion.Optim;
using Diffusion.Tensors;

namespace Diffusion.Score;

/// <summary>
/// Denoising score matching (Vincent 2011; Song and Ermon 2019) over a continuum of noise levels.
/// For x̃ = x + σz the score of the noising kernel is ∇ log q_σ(x̃ | x) = −z/σ, so
/// ℓ(θ; σ) = ½ E‖s_θ(x̃, σ) + z/σ‖², and with the weighting λ(σ) = σ² the loss is
/// L(θ) = E_{σ, x, z} ½‖σ s_θ(x + σz, σ) + z‖², with log σ ~ U(log σ_min, log σ_max).
/// The weighting makes every noise level contribute on the same scale (‖z‖² ≈ d).
/// </summary>
public sealed class DenoisingScoreMatching
{
    /// <summary>Creates the objective for noise levels in [<paramref name="sigmaMin"/>, <paramref name="sigmaMax"/>].</summary>
    public DenoisingScoreMatching(double sigmaMin, double sigmaMax)
    {
        if (!(sigmaMax > sigmaMin) || !(sigmaMin > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaMin), $"need σ_max > σ_min > 0, got {sigmaMin} and {sigmaMax}");
        }
        SigmaMin = sigmaMin;
        SigmaMax = sigmaMax;
    }

    /// <summary>The smallest noise level trained.</summary>
    public double SigmaMin { get; }

    /// <summary>The largest noise level trained.</summary>
    public double SigmaMax { get; }

    /// <summary>Draws σ [B] log-uniformly in [σ_min, σ_max].</summary>
    public Tensor SampleSigmas(long batch, Generator? generator = null)
    {
        using var scope = new TensorScope();
        var u = Torch.Rand([batch], generator: generator);
        return scope.Keep((u * Math.Log(SigmaMax / SigmaMin) + Math.Log(SigmaMin)).Exp());
    }

    /// <summary>L = mean_b ½‖σ_b s(x_b + σ_b z_b, σ_b) + z_b‖², a scalar tensor.</summary>
    public Tensor Loss(ScoreFunction score, Tensor x, Generator? generator = null)
    {
        using var scope = new TensorScope();
        var sigma = SampleSigmas(x.Size(0), generator);
        var z = Torch.RandnLike(x, generator: generator);
        var s = sigma.Unsqueeze(1);
        var predicted = score(x + s * z, sigma);
        var residual = s * predicted + z;
        return scope.Keep((residual * residual).Sum([1]).Mean() * 0.5);
    }

    /// <summary>
    /// Trains <paramref name="model"/> with Adam on minibatches drawn (with replacement) from <paramref name="data"/> [N, d],
    /// the learning rate decayed along a half cosine, lr_k = lr · ½(1 + cos(π k/K)); returns the loss of every step.
    /// Observes <see cref="NotebookHost.Cancellation"/> and shows progress.
    /// </summary>
    public double[] Train(Module<Tensor, Tensor, Tensor> model, Tensor data, int steps, int batchSize = 512, double learningRate = 1e-3, ulong seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        using var generator = new Generator(seed);
        using var optimizer = new Adam(model, learningRate);
        var losses = new double[steps];
        long n = data.Size(0);
        model.Train();
        using var progress = new Plotting.ProgressBar(steps, "denoising score matching");
        for (int step = 0; step < steps; step++)
        {
            using var scope = new TensorScope();
            var index = Torch.Randint(0, n, [batchSize], generator: generator);
            var batch = data.IndexSelect(0, index);
            var loss = Loss((x, sigma) => model.Forward(x, sigma), batch, generator);
            optimizer.LearningRate = learningRate * 0.5 * (1 + Math.Cos(Math.PI * step / steps));
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            losses[step] = loss.ToDouble();
            progress.Report(step + 1, losses[step]);
        }
        model.Eval();
        return losses;
    }
}
