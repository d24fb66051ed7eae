using Diffusion.Engine;
using Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cold;

/// <summary>
/// Generation from blur (Bansal et al. 2022, section 5): a fully blurred image D(x_0, T) is (close to) constant per channel, equal
/// to the channel means m(x_0) ∈ ℝ^C, so a generator needs only a density of m. Fit a Gaussian mixture to the training images'
/// channel means, draw m ~ GMM, set x_T = m (broadcast over the pixels) + δ z with a small symmetry-breaking noise
/// (δ = 0.002, z ~ N(0, I)), and run <see cref="ColdAlgorithm2"/> from s = T to 0. Without δ every sample with the same m
/// would restore to the same image.
/// </summary>
public sealed class BlurGeneration : IDisposable
{
    /// <summary>The small noise δ that breaks the symmetry between equal means (Bansal et al. add a little Gaussian noise for generation).</summary>
    public const double DefaultNoise = 0.002;

    private BlurGeneration(GaussianMixture mixture, long channels, long height, long width, double noise)
    {
        Mixture = mixture;
        Channels = channels;
        Height = height;
        Width = width;
        Noise = noise;
    }

    /// <summary>The density of the channel means.</summary>
    public GaussianMixture Mixture { get; }

    /// <summary>C.</summary>
    public long Channels { get; }

    /// <summary>H.</summary>
    public long Height { get; }

    /// <summary>W.</summary>
    public long Width { get; }

    /// <summary>δ, the standard deviation of the noise added to x_T.</summary>
    public double Noise { get; }

    /// <summary>The channel means m(x) [N, C] of images [N, C, H, W].</summary>
    public static Tensor ChannelMeans(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
        {
            throw new ArgumentException($"expects images [N, C, H, W], got {Shapes.Format(images)}", nameof(images));
        }
        return images.mean([2, 3]);
    }

    /// <summary>Fits a <paramref name="components"/>-component mixture to the channel means of <paramref name="trainImages"/> [N, C, H, W].</summary>
    public static BlurGeneration Fit(Tensor trainImages, int components = 10, ulong seed = 0, double noise = DefaultNoise)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(noise);
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var means = ChannelMeans(trainImages);
        var mixture = GaussianMixture.Fit(means, components, generator);
        return new BlurGeneration(mixture, trainImages.shape[1], trainImages.shape[2], trainImages.shape[3], noise);
    }

    /// <summary>x_T [n, C, H, W] (float32): m ~ GMM broadcast over the pixels, plus δ z; all draws from <paramref name="generator"/>.</summary>
    public Tensor InitialImages(long n, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var m = Mixture.Sample(n, generator).to(float32).reshape(n, Channels, 1, 1);
        var z = randn([n, Channels, Height, Width], dtype: float32, generator: generator);
        return (m.expand(n, Channels, Height, Width) + Noise * z).MoveToOuterDisposeScope();
    }

    /// <summary>n new images: <see cref="InitialImages"/> restored by Algorithm 2 from s = T with <paramref name="restorer"/>.</summary>
    public Tensor Generate(Restorer restorer, Degradation blur, long n, Generator? generator = null, Action<SamplingStep>? observer = null)
    {
        ArgumentNullException.ThrowIfNull(restorer);
        ArgumentNullException.ThrowIfNull(blur);
        using var scope = NewDisposeScope();
        var xT = InitialImages(n, generator);
        return new ColdAlgorithm2(blur).Sample(restorer, xT, observer: observer).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the mixture.</summary>
    public void Dispose() => Mixture.Dispose();
}
