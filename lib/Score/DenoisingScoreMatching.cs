using System.Runtime.InteropServices;
using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

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

    /// <summary>
    /// Draws σ [B] log-uniformly in [σ_min, σ_max]: σ = exp(log σ_min + u log(σ_max/σ_min)), u ~ U(0, 1) from
    /// <paramref name="generator"/> (null: the global generator).
    /// </summary>
    public Tensor SampleSigmas(long batch, torch.Generator? generator = null, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        using var scope = torch.NewDisposeScope();
        var u = torch.rand([batch], dtype: dtype, device: device, generator: generator);
        return (u * Math.Log(SigmaMax / SigmaMin) + Math.Log(SigmaMin)).exp().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// L = mean_b ½‖σ_b s(x_b + σ_b z_b, σ_b) + z_b‖², a scalar tensor (with grad when the score has parameters). Draws σ [B]
    /// (<see cref="SampleSigmas"/>), then z ~ N(0, I) of x's shape, from <paramref name="generator"/>, in x's dtype and device.
    /// </summary>
    /// <param name="score">s_θ.</param>
    /// <param name="x">Data points [B, d].</param>
    /// <param name="generator">The source of σ and z (null: the global generator).</param>
    public Tensor Loss(ScoreFunction score, Tensor x, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        CheckPoints(x, nameof(x));
        using var scope = torch.NewDisposeScope();
        var sigma = SampleSigmas(x.shape[0], generator, x.dtype, x.device);
        var z = torch.randn(x.shape, dtype: x.dtype, device: x.device, generator: generator);
        return Loss(score, x, sigma, z).MoveToOuterDisposeScope();
    }

    /// <summary>The loss of <see cref="Loss(ScoreFunction, Tensor, torch.Generator?)"/> for given noise levels σ [B] and noise z of x's shape.</summary>
    public Tensor Loss(ScoreFunction score, Tensor x, Tensor sigma, Tensor z)
    {
        ArgumentNullException.ThrowIfNull(score);
        CheckPoints(x, nameof(x));
        ArgumentNullException.ThrowIfNull(sigma);
        ArgumentNullException.ThrowIfNull(z);
        if (sigma.dim() != 1 || sigma.shape[0] != x.shape[0])
        {
            throw new ArgumentException($"σ must have shape [{x.shape[0]}] to match x {Shapes.Format(x)}, got {Shapes.Format(sigma)}", nameof(sigma));
        }
        if (!z.shape.AsSpan().SequenceEqual(x.shape))
        {
            throw new ArgumentException($"z has shape {Shapes.Format(z)} but x has shape {Shapes.Format(x)}; they must match", nameof(z));
        }
        using var scope = torch.NewDisposeScope();
        var s = sigma.unsqueeze(1);
        var predicted = Evaluate(score, torch.addcmul(x, s, z, 1), sigma);
        var residual = torch.addcmul(z, s, predicted, 1);                 // σ s(x + σz, σ) + z
        return (residual.square().sum() * (0.5 / x.shape[0])).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Trains <paramref name="model"/> (a score s_θ(x, σ)) with Adam on minibatches drawn with replacement from
    /// <paramref name="data"/> [N, d], the learning rate decayed along a half cosine, lr_k = lr · ½(1 + cos(π k/K));
    /// returns the loss of every step. Each step draws the rows, then σ, then z from one generator seeded with
    /// <paramref name="seed"/> (in that order, the same draws as <see cref="Loss(ScoreFunction, Tensor, torch.Generator?)"/>),
    /// runs in its own dispose scope and reuses its input buffers, so the live tensor count stays flat. Observes
    /// the host's interrupt (<see cref="LoopHost"/>); leaves the model in eval mode.
    /// </summary>
    /// <param name="model">The score network; it must take (x [B, d], σ [B]) and return [B, d].</param>
    /// <param name="data">The training points [N, d] (float, on the model's device).</param>
    /// <param name="steps">K, the number of optimiser steps.</param>
    /// <param name="batchSize">B, points per step.</param>
    /// <param name="learningRate">Adam's initial learning rate.</param>
    /// <param name="seed">Seeds the rows, σ and z.</param>
    /// <param name="showProgress">Draws a progress bar with the loss.</param>
    /// <param name="observer">Called after every step, outside its dispose scope, with the step number (1 … K) and its loss.</param>
    public double[] Train(nn.Module<Tensor, Tensor, Tensor> model, Tensor data, int steps, int batchSize = 512, double learningRate = 1e-3,
        ulong seed = 0, bool showProgress = true, Action<int, double>? observer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckPoints(data, nameof(data));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (!(learningRate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be positive");
        }
        if (!data.is_floating_point())
        {
            throw new ArgumentException($"data must be floating point, got {data.dtype}", nameof(data));
        }
        // An array, not the lazy parameters() enumeration that the optimiser would otherwise walk again at every step.
        var parameters = model.parameters().ToArray();
        if (parameters.Length == 0)
        {
            throw new ArgumentException("the model has no parameters to train", nameof(model));
        }

        using var generator = new torch.Generator(seed, data.device);
        using var optimizer = torch.optim.Adam(parameters, learningRate);
        var group = optimizer.ParamGroups.Single();
        using var step = new TrainingStep(this, model, data, batchSize);
        using var progress = showProgress ? LoopHost.Progress(steps, "denoising score matching") : null;
        var losses = new double[steps];
        model.train();
        try
        {
            for (int k = 0; k < steps; k++)
            {
                LoopHost.ThrowIfCancelled();
                group.LearningRate = learningRate * 0.5 * (1 + Math.Cos(Math.PI * k / steps));
                using (var scope = torch.NewDisposeScope())
                {
                    var loss = step.Loss(generator);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    losses[k] = ReadScalar(loss);
                }
                progress?.Report(k + 1, losses[k]);
                observer?.Invoke(k + 1, losses[k]);
            }
        }
        finally
        {
            model.eval();
        }
        return losses;
    }

    private static double ReadScalar(Tensor scalar) => scalar.device_type == DeviceType.CPU
        ? scalar.dtype switch
        {
            ScalarType.Float32 => scalar.item<float>(),
            ScalarType.Float64 => scalar.item<double>(),
            _ => scalar.ToDouble(),
        }
        : scalar.ToDouble();

    private static void CheckPoints(Tensor x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.dim() != 2 || x.shape[0] < 1)
        {
            throw new ArgumentException($"{name} must be points [B, d], got shape {Shapes.Format(x)}", name);
        }
    }

    /// <summary>s(x, σ), with a model's own failure (say a layer of another width) and a wrong output shape reported with the shapes.</summary>
    private static Tensor Evaluate(ScoreFunction score, Tensor x, Tensor sigma)
    {
        Tensor predicted;
        try
        {
            predicted = score(x, sigma);
        }
        catch (ExternalException e)
        {
            string cause = e.Message.Split('\n', 2)[0];
            throw new ArgumentException($"the score model failed on points of shape {Shapes.Format(x)} and σ of shape {Shapes.Format(sigma)} (does its input width match the data's?): {cause}", e);
        }
        if (!predicted.shape.AsSpan().SequenceEqual(x.shape))
        {
            throw new ArgumentException($"the score has shape {Shapes.Format(predicted)} but x has shape {Shapes.Format(x)}; a score must return x's shape");
        }
        return predicted;
    }

    /// <summary>
    /// One training step's loss with its inputs in buffers made once: the row indices, σ and z are refilled in place from the
    /// generator, and the scalars of the σ map and of the mean are native <see cref="Scalar"/>s made once, so a step allocates
    /// only the tensors autograd needs.
    /// </summary>
    private sealed class TrainingStep : IDisposable
    {
        private readonly ScoreFunction _score;
        private readonly Tensor _data;
        private readonly long _rows;
        private readonly Tensor _index;
        private readonly Tensor _sigma;
        private readonly Tensor _z;
        private readonly Scalar _logRatio;
        private readonly Scalar _logMin;
        private readonly Scalar _one;
        private readonly Scalar _halfOverBatch;

        public TrainingStep(DenoisingScoreMatching objective, nn.Module<Tensor, Tensor, Tensor> model, Tensor data, int batchSize)
        {
            _score = model.call;
            _data = data;
            _rows = data.shape[0];
            _index = torch.empty([batchSize], dtype: ScalarType.Int64, device: data.device).DetachFromDisposeScope();
            _sigma = torch.empty([batchSize], dtype: data.dtype, device: data.device).DetachFromDisposeScope();
            _z = torch.empty([batchSize, data.shape[1]], dtype: data.dtype, device: data.device).DetachFromDisposeScope();
            _logRatio = Math.Log(objective.SigmaMax / objective.SigmaMin).ToScalar();
            _logMin = Math.Log(objective.SigmaMin).ToScalar();
            _one = 1.0.ToScalar();
            _halfOverBatch = (0.5 / batchSize).ToScalar();
        }

        /// <summary>Draws rows, σ and z (in that order) and returns ½ mean_b ‖σ s(x + σz, σ) + z‖² in the current scope.</summary>
        public Tensor Loss(torch.Generator generator)
        {
            _index.random_(0, _rows, generator);
            var noisy = _data.index_select(0, _index);
            _sigma.uniform_(0, 1, generator).mul_(_logRatio).add_(_logMin).exp_();
            _z.normal_(0, 1, generator);
            var s = _sigma.unsqueeze(1);
            noisy.addcmul_(s, _z, _one);                                 // x + σz, in the fresh batch
            var predicted = Evaluate(_score, noisy, _sigma);
            var residual = torch.addcmul(_z, s, predicted, _one);        // σ s(x + σz, σ) + z
            return residual.square().sum().mul(_halfOverBatch);
        }

        public void Dispose()
        {
            _index.Dispose();
            _sigma.Dispose();
            _z.Dispose();
            _logRatio.Dispose();
            _logMin.Dispose();
            _one.Dispose();
            _halfOverBatch.Dispose();
        }
    }
}
