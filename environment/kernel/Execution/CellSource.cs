using System.Text.RegularExpressions;

namespace Diffusion.Kernel.Execution;

/// <summary>
/// Prepares a cell's text for Roslyn: <c>#!csharp</c> lines are dropped (kept as blank lines so positions hold),
/// other <c>#!magic</c> and <c>%magic</c> lines are refused with a clear message.
/// </summary>
internal static partial class CellSource
{
    [GeneratedRegex(@"^\s*(#!\S+|%%?[A-Za-z]\S*)")]
    private static partial Regex MagicLine();

    [GeneratedRegex(@"^\s*(?:\?\s*(?<name>[A-Za-z_][\w.]*)|(?<name>[A-Za-z_][\w.]*)\s*\?)\s*$")]
    private static partial Regex HelpLine();

    /// <summary>
    /// True when the whole cell is a help request, <c>?Name</c> or <c>Name?</c> as in IPython (for example <c>?Math.Sqrt</c>);
    /// <paramref name="name"/> is the name to document.
    /// </summary>
    public static bool IsHelpRequest(string code, out string name)
    {
        var match = HelpLine().Match(code);
        name = match.Success ? match.Groups["name"].Value : "";
        return match.Success;
    }

    /// <summary>Returns the code to compile, or an error naming the unsupported magic.</summary>
    public static string Prepare(string code, out CellError? error)
    {
        error = null;
        var lines = code.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var match = MagicLine().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }
            var magic = match.Groups[1].Value;
            if (magic == "#!csharp" || magic == "#!c#" || magic == "#!C#")
            {
                lines[i] = lines[i].EndsWith('\r') ? "\r" : "";
                continue;
            }
            var message = $"Magic commands are not supported by this kernel: '{magic}' (line {i + 1}). "
                + "This is a plain C# kernel; write C# (use #r \"path.dll\" to reference an assembly).";
            error = new CellError("UnsupportedMagic", message, [$"(line {i + 1}, col 1): {message}"]);
            return code;
        }
        return string.Join('\n', lines);
    }
}
