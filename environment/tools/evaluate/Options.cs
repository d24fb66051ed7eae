using System.Globalization;

namespace Diffusion.Evaluate;

/// <summary>A small "--name value" reader for the subcommands.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public Options(string[] args, IReadOnlySet<string> valued, IReadOnlySet<string> flags, string usage)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (flags.Contains(name))
            {
                _values[name] = null;
            }
            else if (valued.Contains(name) && i + 1 < args.Length)
            {
                _values[name] = args[++i];
            }
            else
            {
                throw new ArgumentException($"unknown or incomplete option '{name}'\n{usage}");
            }
        }
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string String(string name, string fallback) => _values.TryGetValue(name, out var v) && v is not null ? v : fallback;

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var v) && v is not null
            ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"{name} needs an integer, got '{v}'")
            : fallback;
}
