using System.Globalization;
using System.Text.Json.Serialization;
using Diffusion.Ddpm;

namespace Diffusion.Pretrained;

/// <summary>
/// A DDPM (Ho et al. 2020): the forward process of a β schedule over T steps, a network that predicts the noise ε, data in
/// [−1, 1]. Card section: <c>{"kind": "ddpm", "schedule": "linear", "T": 1000, "betaStart": 0.0001, "betaEnd": 0.02,
/// "prediction": "epsilon", "dataRange": [-1, 1], …}</c>.
/// </summary>
public sealed record DdpmProcess : ModelProcess
{
    /// <summary>The section's <c>kind</c>.</summary>
    public const string Kind = "ddpm";

    /// <summary>The only prediction target the course's DDPMs use (and the samplers take).</summary>
    public const string EpsilonPrediction = "epsilon";

    /// <summary>The shape of β_1 … β_T.</summary>
    public required BetaSchedule Schedule { get; init; }

    /// <summary>T, the number of steps.</summary>
    [JsonPropertyName("T")]
    public required int T { get; init; }

    /// <summary>β_1 of a linear or quadratic schedule (null for cosine).</summary>
    public double? BetaStart { get; init; }

    /// <summary>β_T of a linear or quadratic schedule (null for cosine).</summary>
    public double? BetaEnd { get; init; }

    /// <summary>The offset s of the cosine schedule (null for linear and quadratic).</summary>
    public double? CosineOffset { get; init; }

    /// <summary>What the network predicts: <see cref="EpsilonPrediction"/>.</summary>
    public string Prediction { get; init; } = EpsilonPrediction;

    /// <summary>Ho et al.'s process: T steps of β linear from <paramref name="betaStart"/> to <paramref name="betaEnd"/>, ε-prediction, L_simple.</summary>
    public static DdpmProcess Linear(int t = 1000, double betaStart = 1e-4, double betaEnd = 0.02) => new()
    {
        Schedule = BetaSchedule.Linear,
        T = t,
        BetaStart = betaStart,
        BetaEnd = betaEnd,
        Description = string.Create(CultureInfo.InvariantCulture, $"DDPM: T={t}, linear beta {betaStart:G}..{betaEnd:G}, epsilon prediction, L_simple (MSE)"),
    };

    /// <summary>The schedule the model was trained with (and its samplers must use).</summary>
    public NoiseSchedule NoiseSchedule() => Schedule switch
    {
        BetaSchedule.Linear => Ddpm.NoiseSchedule.Linear(T, BetaStart!.Value, BetaEnd!.Value),
        BetaSchedule.Quadratic => Ddpm.NoiseSchedule.Quadratic(T, BetaStart!.Value, BetaEnd!.Value),
        BetaSchedule.Cosine => Ddpm.NoiseSchedule.Cosine(T, CosineOffset!.Value),
        _ => throw new InvalidOperationException($"unknown β schedule {Schedule}"),
    };

    /// <inheritdoc/>
    public override void Validate(string source = "model card")
    {
        base.Validate(source);
        if (T < 1)
        {
            throw new InvalidDataException($"{source}: ddpm process T must be at least 1, got {T}");
        }
        if (Schedule == BetaSchedule.Cosine ? CosineOffset is not > 0 : !(BetaStart is > 0 and < 1 && BetaEnd is > 0 and < 1))
        {
            throw new InvalidDataException(Schedule == BetaSchedule.Cosine
                ? $"{source}: a cosine ddpm process needs cosineOffset > 0 (Nichol and Dhariwal's 0.008)"
                : $"{source}: a {Schedule.ToString().ToLowerInvariant()} ddpm process needs betaStart and betaEnd in (0, 1), got {BetaStart}, {BetaEnd}");
        }
        if (Prediction != EpsilonPrediction)
        {
            throw new InvalidDataException($"{source}: ddpm prediction '{Prediction}' is not supported; the samplers take ε-models (\"{EpsilonPrediction}\")");
        }
    }
}
