using System.Diagnostics;
using Diffusion.Data;
using Diffusion.Engine;
using Diffusion.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>Settings of <c>MnistClassifierTraining.Train</c>.</summary>
/// <param name="Steps">Optimizer steps.</param>
/// <param name="Seed">Seeds the initialisation, the batches, the shifts and dropout.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="LearningRate">Adam's peak learning rate (linear warm-up over <paramref name="WarmupSteps"/>, then cosine decay to 0).</param>
/// <param name="WarmupSteps">Steps of linear warm-up.</param>
/// <param name="MaxShift">Augmentation: each training image is shifted by a random whole number of pixels in [−MaxShift, MaxShift] on each axis (0: none).</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay.</param>
/// <param name="Config">The network's sizes.</param>
public sealed record MnistClassifierTrainingOptions(
    int Steps = 4000,
    ulong Seed = 0,
    int BatchSize = 64,
    double LearningRate = 2e-3,
    int WarmupSteps = 100,
    int MaxShift = 2,
    double WeightDecay = 1e-4,
    MnistClassifierConfig? Config = null);

/// <summary>A progress report of <c>MnistClassifierTraining.Train</c>.</summary>
/// <param name="Step">Steps done (1-based).</param>
/// <param name="Steps">Steps in all.</param>
/// <param name="Loss">The cross-entropy of this step's batch.</param>
/// <param name="LearningRate">The learning rate used at this step.</param>
public readonly record struct MnistClassifierProgress(int Step, int Steps, double Loss, double LearningRate);

/// <summary>The outcome of <c>MnistClassifierTraining.Train</c>.</summary>
/// <param name="Model">The trained network (in eval mode; the caller owns it).</param>
/// <param name="TestAccuracy">The fraction of the test images classified correctly.</param>
/// <param name="FinalLoss">The mean training cross-entropy over the last 100 steps (or fewer).</param>
/// <param name="WallSeconds">Training time, evaluation excluded.</param>
public sealed record MnistClassifierTrainingResult(MnistClassifier Model, double TestAccuracy, double FinalLoss, double WallSeconds);

/// <summary>Trains the FID feature network, an <see cref="MnistClassifier"/>, with AdamW (<c>torch.optim.AdamW</c>) and random shifts.</summary>
public static class MnistClassifierTraining
{
    /// <summary>
    /// Trains a classifier on a labelled data set of 28×28 grey images in [0, 1] (e.g. a part of <see cref="Mnist.LoadNpm"/> from
    /// <see cref="ImageDataset.Split(int, int)"/>), scaled to [−1, 1], and measures its accuracy on <paramref name="test"/>.
    /// </summary>
    /// <param name="train">The training images and labels.</param>
    /// <param name="test">The held-out images and labels.</param>
    /// <param name="options">Steps, seed and optimiser settings.</param>
    /// <param name="progress">Called after every step, if given.</param>
    /// <param name="cancellationToken">Stops training cooperatively between steps.</param>
    public static MnistClassifierTrainingResult Train(ImageDataset train, ImageDataset test, MnistClassifierTrainingOptions? options = null,
        Action<MnistClassifierProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        var trainLabels = train.Labels ?? throw new ArgumentException($"{train.Name} has no labels", nameof(train));
        var testLabels = test.Labels ?? throw new ArgumentException($"{test.Name} has no labels", nameof(test));
        using var trainImages = ToSigned(train.Images);
        using var testImages = ToSigned(test.Images);
        return Train(trainImages, trainLabels, testImages, testLabels, options, progress, cancellationToken);
    }

    /// <summary>The accuracy on a labelled data set of images in [0, 1] (scaled to [−1, 1] for the network).</summary>
    public static double Accuracy(MnistClassifier model, ImageDataset data, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(data);
        var labels = data.Labels ?? throw new ArgumentException($"{data.Name} has no labels", nameof(data));
        using var images = ToSigned(data.Images);
        return Accuracy(model, images, labels, batchSize);
    }

    /// <summary>2x − 1: [0, 1] pixels to the network's [−1, 1] (a new tensor outside any dispose scope).</summary>
    private static Tensor ToSigned(Tensor images01)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return (images01 * 2.0 - 1.0).DetachFromDisposeScope();
    }

    /// <summary>
    /// Trains a classifier on <paramref name="trainImages"/> [N, 1, 28, 28] in [−1, 1] with int64 labels [N], and measures it on
    /// the test set. Batches are drawn by seeded reshuffled epochs; the cross-entropy loss is minimised with AdamW.
    /// </summary>
    /// <param name="trainImages">Training images [N, 1, 28, 28], pixels in [−1, 1].</param>
    /// <param name="trainLabels">Their labels [N], int64.</param>
    /// <param name="testImages">Held-out images, pixels in [−1, 1].</param>
    /// <param name="testLabels">Their labels.</param>
    /// <param name="options">Steps, seed and optimiser settings.</param>
    /// <param name="progress">Called after every step, if given.</param>
    /// <param name="cancellationToken">Stops training cooperatively between steps (the exception leaves no live tensors behind).</param>
    /// <remarks>
    /// <see cref="MnistClassifierTrainingOptions.Seed"/> seeds the global generator (the initialisation and dropout), a
    /// generator for the batch order (seed + 1) and the shifts. The learning rate follows <see cref="LearningRateAt"/>
    /// through a <c>LambdaLR</c> scheduler.
    /// </remarks>
    public static MnistClassifierTrainingResult Train(Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels,
        MnistClassifierTrainingOptions? options = null, Action<MnistClassifierProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trainImages);
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(testImages);
        ArgumentNullException.ThrowIfNull(testLabels);
        options ??= new MnistClassifierTrainingOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxShift);
        CheckImages(trainImages, nameof(trainImages));
        long n = trainImages.shape[0];
        if (trainLabels.dim() != 1 || trainLabels.shape[0] != n)
        {
            throw new ArgumentException($"labels must have shape [{n}] to match the images {Shapes.Format(trainImages)}, got {Shapes.Format(trainLabels)}", nameof(trainLabels));
        }
        int batch = (int)Math.Min(options.BatchSize, n);

        manual_seed((long)options.Seed);
        var model = new MnistClassifier(options.Config);
        try
        {
            using var generator = new Generator(options.Seed + 1);
            var shiftRandom = new Random(unchecked((int)options.Seed) ^ 0x5EED);
            using var optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
            // LambdaLR multiplies the base rate by λ(e) after e scheduler steps: step k (1-based) runs with e = k − 1.
            var scheduler = optim.lr_scheduler.LambdaLR(optimizer, e => LearningRateAt(e + 1, options) / options.LearningRate);
            model.train();
            var clock = Stopwatch.StartNew();
            var recent = new Queue<double>();
            Tensor? order = null;
            long cursor = n;
            try
            {
                for (int step = 1; step <= options.Steps; step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (cursor + batch > n)
                    {
                        order?.Dispose();
                        order = randperm(n, generator: generator).DetachFromDisposeScope();
                        cursor = 0;
                    }
                    double lr = optimizer.ParamGroups.First().LearningRate;
                    double lossValue;
                    using (var scope = NewDisposeScope())
                    {
                        var index = order!.narrow(0, cursor, batch);
                        cursor += batch;
                        var x = Shift(trainImages.index_select(0, index), options.MaxShift, shiftRandom);
                        var y = trainLabels.index_select(0, index);
                        var loss = nn.functional.cross_entropy(model.call(x), y);
                        optimizer.zero_grad();
                        loss.backward();
                        optimizer.step();
                        scheduler.step();
                        lossValue = loss.item<float>();
                    }
                    recent.Enqueue(lossValue);
                    if (recent.Count > 100)
                    {
                        recent.Dequeue();
                    }
                    progress?.Invoke(new MnistClassifierProgress(step, options.Steps, lossValue, lr));
                }
            }
            finally
            {
                order?.Dispose();
            }
            double seconds = clock.Elapsed.TotalSeconds;
            model.eval();
            double accuracy = Accuracy(model, testImages, testLabels);
            return new MnistClassifierTrainingResult(model, accuracy, recent.Average(), seconds);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The fraction of <paramref name="images"/> (in [−1, 1]) whose arg-max logit equals the label (eval mode, no gradients).</summary>
    public static double Accuracy(MnistClassifier model, Tensor images, Tensor labels, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        CheckImages(images, nameof(images));
        long n = images.shape[0];
        if (n == 0 || labels.dim() != 1 || labels.shape[0] != n)
        {
            throw new ArgumentException($"need a non-empty set of images with labels [{n}], got images {Shapes.Format(images)} and labels {Shapes.Format(labels)}", nameof(labels));
        }
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            long correct = 0;
            for (long start = 0; start < n; start += batchSize)
            {
                long len = Math.Min(batchSize, n - start);
                var predicted = model.call(images.narrow(0, start, len)).argmax(1);
                correct += predicted.eq(labels.narrow(0, start, len)).sum().item<long>();
            }
            return (double)correct / n;
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Warm-up then cosine: lr·t/W for t ≤ W, then lr·½(1 + cos(π (t − W)/(T − W))).</summary>
    public static double LearningRateAt(int step, MnistClassifierTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (step <= options.WarmupSteps)
        {
            return options.LearningRate * step / Math.Max(1, options.WarmupSteps);
        }
        double progress = (double)(step - options.WarmupSteps) / Math.Max(1, options.Steps - options.WarmupSteps);
        return options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
    }

    private static void CheckImages(Tensor images, string name)
    {
        if (images.dim() != 4 || images.shape[1] != 1 || images.shape[2] != MnistClassifier.ImageSize || images.shape[3] != MnistClassifier.ImageSize)
        {
            throw new ArgumentException($"expected images [N, 1, {MnistClassifier.ImageSize}, {MnistClassifier.ImageSize}] in [-1, 1], got {Shapes.Format(images)}", name);
        }
    }

    // Shifts each image by (dy, dx) ∈ [−s, s]² whole pixels, filling with the background −1.
    private static Tensor Shift(Tensor images, int maxShift, Random random)
    {
        if (maxShift == 0)
        {
            return images;
        }
        long b = images.shape[0];
        long h = images.shape[2];
        long w = images.shape[3];
        var padded = nn.functional.pad(images, [maxShift, maxShift, maxShift, maxShift], PaddingModes.Constant, -1.0);
        var crops = new Tensor[b];
        for (long i = 0; i < b; i++)
        {
            int dy = random.Next(2 * maxShift + 1);
            int dx = random.Next(2 * maxShift + 1);
            crops[i] = padded.narrow(0, i, 1).narrow(2, dy, h).narrow(3, dx, w);
        }
        return cat(crops, 0);
    }
}
