using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Diffusion.Ddpm;

namespace Diffusion.Pretrained;

/// <summary>
/// Reads the process of a model card written before cards carried it as data: the one place that parses the old prose. The
/// prose forms are the ones the training command wrote (see the shipped cards' history):
/// <list type="bullet">
/// <item><c>DDPM: T=1000, linear beta 1e-4..0.02, epsilon prediction, L_simple (MSE)</c> → <see cref="DdpmProcess"/>;</item>
/// <item><c>VE SDE: sigma_min 0.01, sigma_max 15.8, N 1000; …; data in [0, 1]</c> → <see cref="VeSdeProcess"/>;</item>
/// <item><c>cold diffusion, cumulative Gaussian blur: … 11x11 kernel, sigma 7, …, T = 40, …</c> (and the mask and super-resolution
/// lines of <c>Degradation.Describe</c>) → <see cref="ColdProcess"/>;</item>
/// <item>no process at all: a UNet is a DDPM of T = 1000 linear β 1e-4 … 0.02 (the only process such cards were written for), an
/// NCSN++ the VE SDE of its architecture config (σ_min, σ_max, N, centred).</item>
/// </list>
/// The prose is kept as the process's <see cref="ModelProcess.Description"/>.
/// </summary>
public static partial class LegacyProcess
{
    /// <summary>The process of an old card's prose (or of none), given the card's architecture and its config.</summary>
    /// <exception cref="InvalidDataException">The prose is none of the forms above, or contradicts the architecture.</exception>
    public static ModelProcess Read(string? prose, string architecture, JsonNode? architectureConfig, string source = "model card")
    {
        var inv = CultureInfo.InvariantCulture;
        if (string.IsNullOrWhiteSpace(prose))
        {
            return architecture switch
            {
                "UNet" => DdpmProcess.Linear() with { Description = null },
                "NcsnPp" => VeFromConfig(architectureConfig, source) with { Description = null },
                _ => throw new InvalidDataException($"{source} has no process and its architecture '{architecture}' does not imply one; add a \"process\" section (kinds: {string.Join(", ", ModelProcess.Kinds)})"),
            };
        }
        if (DdpmLine().Match(prose) is { Success: true } ddpm)
        {
            if (!Enum.TryParse<BetaSchedule>(ddpm.Groups["schedule"].Value, ignoreCase: true, out var schedule) || schedule == BetaSchedule.Cosine)
            {
                throw new InvalidDataException($"{source}: process '{prose}': the schedule '{ddpm.Groups["schedule"].Value}' is not one an old card could name (linear, quadratic)");
            }
            if (!prose.Contains("epsilon prediction", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{source}: process '{prose}' does not say epsilon prediction, the only DDPM target the samplers take");
            }
            return new DdpmProcess
            {
                Schedule = schedule,
                T = int.Parse(ddpm.Groups["t"].Value, inv),
                BetaStart = double.Parse(ddpm.Groups["start"].Value, inv),
                BetaEnd = double.Parse(ddpm.Groups["end"].Value, inv),
                Description = prose,
            };
        }
        if (VeLine().Match(prose) is { Success: true } ve)
        {
            bool centered = DataInMinusOneOne().IsMatch(prose);
            return VeSdeProcess.Create(double.Parse(ve.Groups["min"].Value, inv), double.Parse(ve.Groups["max"].Value, inv), int.Parse(ve.Groups["n"].Value, inv), centered)
                with { Description = prose };
        }
        if (prose.StartsWith("cold diffusion", StringComparison.Ordinal))
        {
            ColdDegradation degradation;
            if (BlurLine().Match(prose) is { Success: true } blur)
            {
                degradation = new BlurDegradation(int.Parse(blur.Groups["t"].Value, inv), int.Parse(blur.Groups["k"].Value, inv), double.Parse(blur.Groups["sigma"].Value, inv));
            }
            else if (MaskLine().Match(prose) is { Success: true } mask)
            {
                degradation = new MaskDegradation(int.Parse(mask.Groups["t"].Value, inv), double.Parse(mask.Groups["sigma"].Value, inv),
                    double.Parse(mask.Groups["lo"].Value, inv), double.Parse(mask.Groups["hi"].Value, inv));
            }
            else if (SuperResolutionLine().Match(prose) is { Success: true } sr)
            {
                int final = sr.Groups["levels"].Value.Split("->", StringSplitOptions.TrimEntries).Select(v => int.Parse(v, inv)).Last();
                degradation = new SuperResolutionDegradation(int.Parse(sr.Groups["size"].Value, inv), final);
            }
            else
            {
                throw new InvalidDataException($"{source}: process '{prose}' names no degradation this library knows (cumulative Gaussian blur, Gaussian mask inpainting, super-resolution)");
            }
            var process = new ColdProcess { Degradation = degradation, Description = prose };
            process.Validate(source);
            return process;
        }
        throw new InvalidDataException($"{source}: process '{prose}' is none of the forms old cards used (DDPM: …, VE SDE: …, cold diffusion, …); " +
            $"write it as a \"process\" section (kinds: {string.Join(", ", ModelProcess.Kinds)})");
    }

    private static VeSdeProcess VeFromConfig(JsonNode? config, string source)
    {
        if (config?["sigma_min"] is not JsonValue min || config["sigma_max"] is not JsonValue max || config["num_scales"] is not JsonValue n)
        {
            throw new InvalidDataException($"{source} has no process and its NcsnPp config lacks sigma_min, sigma_max or num_scales");
        }
        bool centered = config["centered"] is JsonValue c && c.GetValue<bool>();
        return VeSdeProcess.Create(min.GetValue<double>(), max.GetValue<double>(), n.GetValue<int>(), centered);
    }

    private const string Number = @"[-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?";

    [GeneratedRegex(@"^DDPM: T=(?<t>\d+), (?<schedule>\w+) beta (?<start>" + Number + @")\.\.(?<end>" + Number + @")(?:,|$)")]
    private static partial Regex DdpmLine();

    [GeneratedRegex(@"^VE SDE: sigma_min (?<min>" + Number + @"), sigma_max (?<max>" + Number + @"), N (?<n>\d+)")]
    private static partial Regex VeLine();

    [GeneratedRegex(@"data in \[-1, 1\]")]
    private static partial Regex DataInMinusOneOne();

    [GeneratedRegex(@"cumulative Gaussian blur: .*? of a (?<k>\d+)x\d+ kernel, sigma (?<sigma>" + Number + @"), .*?T = (?<t>\d+)")]
    private static partial Regex BlurLine();

    [GeneratedRegex(@"Gaussian mask inpainting: .*?\(s \* (?<sigma>" + Number + @")\)\^2.*?uniform in \[(?<lo>" + Number + @"), (?<hi>" + Number + @")\]\^2.*?T = (?<t>\d+)")]
    private static partial Regex MaskLine();

    [GeneratedRegex(@"super-resolution: block means at (?<levels>\d+(?: -> \d+)*) pixels, nearest up-sampling to (?<size>\d+)")]
    private static partial Regex SuperResolutionLine();
}
