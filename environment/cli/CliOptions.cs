using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Diffusion.Engine;
using Diffusion.Pretrained;

namespace Diffusion.Cli;

/// <summary>
/// The options the commands share, each parsed with a one-line error that names the option and what it takes (a number
/// in range, a sampler as <c>kind:value</c>), so a bad value never reaches the command as a stack trace.
/// </summary>
internal static class CliOptions
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The sampler spelling of every command: <c>kind:steps</c> (ddpm, ddim, em, pc) or <c>ode:tolerance</c>.</summary>
    public const string SamplerHelp = "kind:steps for ddpm, ddim, em, pc (e.g. ddim:50, pc:1000) or ode:tolerance (e.g. ode:1e-5)";

    /// <summary>An integer option of at least <paramref name="min"/>.</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int min = 1, int max = int.MaxValue) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseInt(r, name, min, max),
        };

    /// <summary>An optional integer option (null when absent) of at least <paramref name="min"/>.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min = 1, int max = int.MaxValue) =>
        new(name)
        {
            Description = description,
            CustomParser = r => ParseInt(r, name, min, max),
        };

    /// <summary>An optional seed.</summary>
    public static Option<ulong?> Seed(string description = "the random seed") =>
        new("--seed")
        {
            Description = description,
            CustomParser = r =>
            {
                string text = Token(r);
                if (ulong.TryParse(text, NumberStyles.Integer, Inv, out ulong v))
                {
                    return v;
                }
                r.AddError($"--seed takes a non-negative integer, not '{text}'");
                return null;
            },
        };

    /// <summary>An optional number in (<paramref name="min"/>, <paramref name="max"/>] (exclusive min when <paramref name="minExclusive"/>).</summary>
    public static Option<double?> OptionalDouble(string name, string description, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minExclusive = true) =>
        new(name)
        {
            Description = description,
            CustomParser = r =>
            {
                string text = Token(r);
                if (!double.TryParse(text, NumberStyles.Float, Inv, out double v) || !double.IsFinite(v))
                {
                    r.AddError($"{name} takes a number, not '{text}'");
                    return null;
                }
                if ((minExclusive ? v <= min : v < min) || v > max)
                {
                    r.AddError($"{name} must lie in {(minExclusive ? "(" : "[")}{min.ToString(Inv)}, {max.ToString(Inv)}], got {text}");
                    return null;
                }
                return v;
            },
        };

    /// <summary>The libtorch thread count (default: every core).</summary>
    public static Option<int?> Threads() => OptionalInt("--threads", "libtorch threads (default: every core; 1 on a busy machine)", 1, 1024);

    /// <summary>A sampler option (one sampler).</summary>
    public static Option<SamplerChoice?> Sampler(string description) =>
        new("--sampler")
        {
            Description = description + "; " + SamplerHelp,
            CustomParser = r => ParseSampler(r, Token(r)),
        };

    /// <summary>The precision option: <c>fp32</c>, or <c>bf16</c> (bfloat16 autocast with float32 weights).</summary>
    public static Option<Precision?> Precision(string description) =>
        new("--precision")
        {
            Description = description + ": fp32, or bf16 (bfloat16 autocast for the forward pass; float32 weights, optimizer, loss and EMA)",
            CustomParser = r =>
            {
                try
                {
                    return Precisions.Parse(Token(r));
                }
                catch (ArgumentException e)
                {
                    r.AddError($"--precision: {e.Message}");
                    return null;
                }
            },
        };

    /// <summary>A sampler option that may be given several times (or as a comma-separated list).</summary>
    public static Option<SamplerChoice[]> Samplers(string description) =>
        new("--sampler")
        {
            Description = description + "; " + SamplerHelp + "; repeat it (--sampler ddim:50 --sampler pc:100) or separate with commas",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = r => r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(s => ParseSampler(r, s)).OfType<SamplerChoice>().ToArray(),
        };

    private static SamplerChoice? ParseSampler(ArgumentResult r, string text)
    {
        try
        {
            var (name, options) = SamplingOptions.Parse(text);
            return new SamplerChoice(name, options);
        }
        catch (ArgumentException e)
        {
            r.AddError($"--sampler: {e.Message}");
            return null;
        }
    }

    private static int ParseInt(ArgumentResult r, string name, int min, int max)
    {
        string text = Token(r);
        if (!int.TryParse(text, NumberStyles.Integer, Inv, out int v))
        {
            r.AddError($"{name} takes an integer, not '{text}'");
            return 0;
        }
        if (v < min || v > max)
        {
            r.AddError(max == int.MaxValue ? $"{name} must be at least {min}, got {v}" : $"{name} must lie in {min} … {max}, got {v}");
        }
        return v;
    }

    private static string Token(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
}

/// <summary>A sampler as the user wrote it, canonically named (<c>ddim:50</c>), with its options.</summary>
/// <param name="Name">The canonical name, <c>kind:value</c>.</param>
/// <param name="Options">The sampling options it sets (sampler and steps or tolerance).</param>
internal sealed record SamplerChoice(string Name, SamplingOptions Options);
