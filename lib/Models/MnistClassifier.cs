using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>The sizes of an <see cref="MnistClassifier"/>.</summary>
/// <param name="Channels1">Channels of the first conv block (28×28 → 14×14).</param>
/// <param name="Channels2">Channels of the second conv block (14×14 → 7×7).</param>
/// <param name="Channels3">Channels of the third conv block (7×7 → 3×3).</param>
/// <param name="FeatureDim">The width D of the penultimate layer: the FID features.</param>
/// <param name="Groups">GroupNorm groups in each conv block (must divide every channel count).</param>
/// <param name="Dropout">Dropout on the features before the logits (training only).</param>
/// <param name="Classes">The number of classes (10 digits).</param>
public sealed record MnistClassifierConfig(
    int Channels1 = 32,
    int Channels2 = 64,
    int Channels3 = 128,
    int FeatureDim = 128,
    int Groups = 8,
    double Dropout = 0.3,
    int Classes = 10);

/// <summary>
/// A small CNN for 28×28 grey digits, the project's FID feature network. Images [N, 1, 28, 28] in [−1, 1] (the DDPM range).
/// </summary>
/// <remarks>
/// Three blocks conv3×3 (padding 1) → GroupNorm → ReLU → max-pool 2×2 (28 → 14 → 7 → 3), flatten (C₃·3·3),
/// <c>fc</c> to D features with ReLU (<see cref="Features"/>), dropout, <c>head</c> to the class logits (<see cref="forward"/>).
/// State-dict keys: <c>conv1.weight</c>, <c>norm1.weight</c>, ..., <c>fc.weight</c>, <c>head.weight</c>.
/// The convolutions run through <see cref="Convolutions.Apply"/>.
/// </remarks>
public sealed class MnistClassifier : nn.Module<Tensor, Tensor>, IFeatureExtractor
{
    /// <summary>The image side the network expects.</summary>
    public const int ImageSize = 28;

    private readonly Conv2d[] _convs;
    private readonly GroupNorm[] _norms;
    private readonly Linear _fc;
    private readonly Dropout _dropout;
    private readonly Linear _head;

    /// <summary>Builds the network (PyTorch's default initialisation from the global generator; seed with <c>torch.manual_seed</c>).</summary>
    public MnistClassifier(MnistClassifierConfig? config = null) : base(nameof(MnistClassifier))
    {
        Config = config ?? new MnistClassifierConfig();
        int[] channels = [1, Config.Channels1, Config.Channels2, Config.Channels3];
        _convs = new Conv2d[3];
        _norms = new GroupNorm[3];
        for (int i = 0; i < 3; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels[i + 1]);
            if (Config.Groups <= 0 || channels[i + 1] % Config.Groups != 0)
            {
                throw new ArgumentException($"GroupNorm groups ({Config.Groups}) must divide every channel count, not {channels[i + 1]}", nameof(config));
            }
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Config.FeatureDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Config.Classes);
        for (int i = 0; i < 3; i++)
        {
            _convs[i] = nn.Conv2d(channels[i], channels[i + 1], 3, padding: 1);
            _norms[i] = Layers.GroupNorm(Config.Groups, channels[i + 1]);
            register_module($"conv{i + 1}", _convs[i]);
            register_module($"norm{i + 1}", _norms[i]);
        }
        _fc = nn.Linear(Config.Channels3 * 3L * 3L, Config.FeatureDim);
        _dropout = nn.Dropout(Config.Dropout);
        _head = nn.Linear(Config.FeatureDim, Config.Classes);
        register_module("fc", _fc);
        register_module("dropout", _dropout);
        register_module("head", _head);
        TensorAccounting.Settle(this);
    }

    /// <summary>The sizes this network was built with.</summary>
    public MnistClassifierConfig Config { get; }

    /// <inheritdoc/>
    public long FeatureDimension => Config.FeatureDim;

    /// <summary>The number of parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>The penultimate features [N, D] (after the ReLU) of images [N, 1, 28, 28] in [−1, 1].</summary>
    public Tensor Features(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 1 || images.shape[2] != ImageSize || images.shape[3] != ImageSize)
        {
            throw new ArgumentException($"MnistClassifier expects images [N, 1, {ImageSize}, {ImageSize}], got {Shapes.Format(images)}", nameof(images));
        }
        using var scope = NewDisposeScope();
        var h = images;
        for (int i = 0; i < 3; i++)
        {
            h = nn.functional.max_pool2d(nn.functional.relu(_norms[i].call(Convolutions.Apply(_convs[i], h))), [2, 2]);
        }
        return nn.functional.relu(_fc.call(h.flatten(1))).MoveToOuterDisposeScope();
    }

    /// <summary>The class logits [N, classes] of images [N, 1, 28, 28] in [−1, 1].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return _head.call(_dropout.call(Features(input))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The classifier's confidence in each image, max_k softmax(f(x))_k, as a [N] float32 tensor without gradients: near 1 for
    /// an image it reads as one digit, near 1/classes for one it cannot read. Call it in eval mode (dropout off).
    /// </summary>
    public Tensor Confidence(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return nn.functional.softmax(call(images), 1).max(1).values.MoveToOuterDisposeScope();
    }

    /// <summary>The share of images the classifier is sure of: the fraction whose <see cref="Confidence"/> exceeds <paramref name="threshold"/>.</summary>
    public double SureShare(Tensor images, double threshold = 0.9)
    {
        if (!(threshold >= 0 && threshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), $"the confidence threshold must be in [0, 1), got {threshold}");
        }
        using var scope = NewDisposeScope();
        return (Confidence(images) > threshold).to(ScalarType.Float32).mean().item<float>();
    }

    /// <summary>Children are registered by their state-dict names in the constructor; TorchSharp's by-field registration would add them twice.</summary>
    protected override void RegisterComponents()
    {
    }
}
