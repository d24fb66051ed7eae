using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffusion.Models;

/// <summary>
/// The architecture of a DDPM <see cref="UNet"/> (Ho et al. 2020, appendix B): image size and channels, base width, a channel
/// multiplier per resolution level, residual blocks per level, the resolutions that get self-attention, dropout and the
/// time-embedding width. Use a preset (<see cref="MnistSmall"/>, <see cref="Cifar10"/>, ...) and change it with <c>with</c>.
/// </summary>
/// <remarks>
/// Level i works at resolution r_i (r_0 = <see cref="ImageSize"/>, r_{i+1} = ⌈r_i / 2⌉: a stride-2 convolution with
/// padding 1) with <see cref="BaseChannels"/> · <see cref="ChannelMultipliers"/>[i] channels. Odd sizes are allowed
/// (28 → 14 → 7 → 4): each upsampling goes back to the size of the skip it is joined with.
/// GroupNorm uses <see cref="GroupsFor"/> groups: 32 (<see cref="NormGroups"/>), fewer when the channels are few, so that every
/// group has at least <see cref="MinChannelsPerGroup"/> channels.
/// </remarks>
public sealed record UNetConfig
{
    /// <summary>Image channels C (1 for MNIST, 3 for colour); the input and the output have them.</summary>
    public int ImageChannels { get; init; } = 1;

    /// <summary>Image height and width (square images).</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>The channels of the first level ("ch" in Ho et al.).</summary>
    public int BaseChannels { get; init; } = 32;

    /// <summary>Channels of level i = <see cref="BaseChannels"/> · ChannelMultipliers[i]; its length is the number of levels.</summary>
    public int[] ChannelMultipliers { get; init; } = [1, 2, 2];

    /// <summary>Residual blocks per level on the way down (the way up has one more, as in Ho et al.).</summary>
    public int ResBlocksPerLevel { get; init; } = 2;

    /// <summary>The resolutions (feature-map sizes) whose blocks are followed by self-attention; the middle always has it.</summary>
    public int[] AttentionResolutions { get; init; } = [7];

    /// <summary>Attention heads (1 in Ho et al.).</summary>
    public int AttentionHeads { get; init; } = 1;

    /// <summary>Dropout probability inside each residual block, before its second convolution.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Width of the time embedding after its MLP; null means 4 · <see cref="BaseChannels"/> (Ho et al.).</summary>
    public int? TimeEmbeddingDim { get; init; }

    /// <summary>The most GroupNorm groups (32 in Ho et al.).</summary>
    public int NormGroups { get; init; } = 32;

    /// <summary>The fewest channels a GroupNorm group may have (4, so a 32-channel block uses 8 groups).</summary>
    public int MinChannelsPerGroup { get; init; } = 4;

    /// <summary>The time-embedding width in effect.</summary>
    [JsonIgnore]
    public int EffectiveTimeEmbeddingDim => TimeEmbeddingDim ?? 4 * BaseChannels;

    /// <summary>Number of resolution levels.</summary>
    [JsonIgnore]
    public int Levels => ChannelMultipliers.Length;

    /// <summary>The feature-map size at each level: r_0 = ImageSize, r_{i+1} = ⌈r_i / 2⌉.</summary>
    [JsonIgnore]
    public int[] Resolutions
    {
        get
        {
            var r = new int[Levels];
            int size = ImageSize;
            for (int i = 0; i < Levels; i++)
            {
                r[i] = size;
                size = (size + 1) / 2;
            }
            return r;
        }
    }

    /// <summary>
    /// The GroupNorm group count for <paramref name="channels"/> channels: the largest divisor of the channels that is at most
    /// min(<see cref="NormGroups"/>, channels / <see cref="MinChannelsPerGroup"/>), and at least 1.
    /// </summary>
    public int GroupsFor(long channels)
    {
        long limit = Math.Max(1, Math.Min(NormGroups, channels / MinChannelsPerGroup));
        for (long g = limit; g > 1; g--)
        {
            if (channels % g == 0)
            {
                return (int)g;
            }
        }
        return 1;
    }

    /// <summary>(A fresh instance on each call.) A small MNIST model (28×28×1; channels 32/64/64; attention at 7×7; about 1.7M parameters) that trains on a CPU.</summary>
    public static UNetConfig MnistSmall => new();

    /// <summary>A smaller, faster MNIST model (channels 16/32/32, one block per level) for smoke runs and tests.</summary>
    public static UNetConfig MnistTiny => new() { BaseChannels = 16, ResBlocksPerLevel = 1, Dropout = 0.0 };

    /// <summary>Ho et al.'s CIFAR-10 model: 32×32×3, ch 128, multipliers (1, 2, 2, 2), 2 blocks, attention at 16, dropout 0.1 (35.7M parameters).</summary>
    public static UNetConfig Cifar10 => new()
    {
        ImageChannels = 3,
        ImageSize = 32,
        BaseChannels = 128,
        ChannelMultipliers = [1, 2, 2, 2],
        ResBlocksPerLevel = 2,
        AttentionResolutions = [16],
        Dropout = 0.1,
    };

    /// <summary>Ho et al.'s 256×256 model (CelebA-HQ, LSUN): ch 128, multipliers (1, 1, 2, 2, 4, 4), attention at 16, dropout 0.</summary>
    public static UNetConfig Ffhq256 => new()
    {
        ImageChannels = 3,
        ImageSize = 256,
        BaseChannels = 128,
        ChannelMultipliers = [1, 1, 2, 2, 4, 4],
        ResBlocksPerLevel = 2,
        AttentionResolutions = [16],
        Dropout = 0.0,
    };

    /// <summary>The preset called <paramref name="name"/> (case-insensitive): mnist-small, mnist-tiny, cifar10, ffhq256.</summary>
    public static UNetConfig Named(string name) => name.Replace("-", "").Replace("_", "").ToLowerInvariant() switch
    {
        "mnistsmall" or "mnist" => MnistSmall,
        "mnisttiny" => MnistTiny,
        "cifar10" => Cifar10,
        "ffhq256" or "celebahq256" or "lsun256" => Ffhq256,
        _ => throw new ArgumentException($"unknown UNet preset '{name}'; known: mnist-small, mnist-tiny, cifar10, ffhq256", nameof(name)),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException($"invalid UNetConfig: {message}");
            }
        }

        Require(ImageChannels > 0, $"ImageChannels must be positive, got {ImageChannels}");
        Require(ImageSize > 0, $"ImageSize must be positive, got {ImageSize}");
        Require(BaseChannels > 0 && BaseChannels % 2 == 0, $"BaseChannels must be positive and even (it is the sinusoidal embedding size), got {BaseChannels}");
        Require(ChannelMultipliers is { Length: > 0 } && ChannelMultipliers.All(m => m > 0), "ChannelMultipliers must be a non-empty list of positive numbers");
        Require(ResBlocksPerLevel > 0, $"ResBlocksPerLevel must be positive, got {ResBlocksPerLevel}");
        Require(AttentionResolutions is not null, "AttentionResolutions must not be null (use [])");
        Require(AttentionHeads > 0, $"AttentionHeads must be positive, got {AttentionHeads}");
        Require(Dropout >= 0 && Dropout < 1, $"Dropout must be in [0, 1), got {Dropout}");
        Require(EffectiveTimeEmbeddingDim > 0, $"TimeEmbeddingDim must be positive, got {TimeEmbeddingDim}");
        Require(NormGroups > 0 && MinChannelsPerGroup > 0, "NormGroups and MinChannelsPerGroup must be positive");
        foreach (int m in ChannelMultipliers)
        {
            Require((long)BaseChannels * m % AttentionHeads == 0, $"channels {BaseChannels * m} are not divisible by AttentionHeads {AttentionHeads}");
        }
    }

    /// <summary>
    /// A lower bound on the network's parameter count: every residual block of level l holds a 3×3 convolution from its
    /// c_l = <see cref="BaseChannels"/> · m_l channels to c_l channels, so Σ_l <see cref="ResBlocksPerLevel"/> · 9 · c_l².
    /// A loader compares it with the weights file before it builds the network, so a card whose config does not belong to
    /// the weights (or a crafted one asking for billions of parameters) is refused without allocating them.
    /// Saturates at <see cref="long.MaxValue"/>.
    /// </summary>
    public long MinimumParameters()
    {
        try
        {
            long total = 0;
            foreach (int m in ChannelMultipliers ?? [])
            {
                long c = checked((long)BaseChannels * m);
                total = checked(total + checked((long)ResBlocksPerLevel * 9 * c * c));
            }
            return total;
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>The config as indented JSON (for model cards).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a config written by <see cref="ToJson"/>; missing fields keep their defaults.</summary>
    public static UNetConfig FromJson(string json) =>
        JsonSerializer.Deserialize<UNetConfig>(json, JsonOptions) ?? throw new ArgumentException("the JSON is not a UNet config", nameof(json));

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Equal when every field is equal (arrays compared element by element).</summary>
    public bool Equals(UNetConfig? other) =>
        other is not null
        && ImageChannels == other.ImageChannels
        && ImageSize == other.ImageSize
        && BaseChannels == other.BaseChannels
        && ChannelMultipliers.AsSpan().SequenceEqual(other.ChannelMultipliers)
        && ResBlocksPerLevel == other.ResBlocksPerLevel
        && AttentionResolutions.AsSpan().SequenceEqual(other.AttentionResolutions)
        && AttentionHeads == other.AttentionHeads
        && Dropout.Equals(other.Dropout)
        && EffectiveTimeEmbeddingDim == other.EffectiveTimeEmbeddingDim
        && NormGroups == other.NormGroups
        && MinChannelsPerGroup == other.MinChannelsPerGroup;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ImageChannels, ImageSize, BaseChannels, ChannelMultipliers.Length, ResBlocksPerLevel, Dropout, EffectiveTimeEmbeddingDim);

    /// <summary>A one-line description, e.g. <c>UNet 28x28x1 ch 32 x [1, 2, 2], 2 blocks, attention at [7], dropout 0.1</c>.</summary>
    public override string ToString() =>
        $"UNet {ImageSize}x{ImageSize}x{ImageChannels}, ch {BaseChannels} x [{string.Join(", ", ChannelMultipliers)}], {ResBlocksPerLevel} blocks/level, " +
        $"attention at [{string.Join(", ", AttentionResolutions)}], dropout {Dropout}, time embedding {EffectiveTimeEmbeddingDim}";
}
