using System.Text.Json.Nodes;

namespace Diffusion.Cli.Setup;

/// <summary>
/// The Jupyter the user has, as a command: <c>jupyter</c> on PATH, else <c>python3 -m jupyter</c>, <c>python -m jupyter</c> or (on
/// Windows) <c>py -m jupyter</c>, the first one whose <c>kernelspec</c> subcommand answers. Kernels are installed through it, so
/// they land where that Jupyter (and VS Code's Jupyter extension, which reads the same folders) looks.
/// </summary>
/// <param name="FileName">The program.</param>
/// <param name="Prefix">Arguments before the Jupyter subcommand (<c>-m jupyter</c> for a Python).</param>
internal sealed record Jupyter(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>How a user would type its kernelspec command.</summary>
    public string Display => string.Join(' ', new[] { FileName }.Concat(Prefix).Concat(IsModule ? [] : ["kernelspec"]));

    /// <summary>True when this is a Python running the kernelspec module (its arguments start after the subcommand).</summary>
    public bool IsModule { get; init; }

    /// <summary>Runs <c>jupyter kernelspec ARGS</c>.</summary>
    public ProcessResult Run(params string[] arguments) =>
        ProcessRunner.Run(FileName, Prefix.Concat(IsModule ? arguments : arguments.Prepend("kernelspec")), timeout: TimeSpan.FromMinutes(2));

    /// <summary>The installed kernelspecs by name (<c>jupyter kernelspec list --json</c>): resource folder and spec.</summary>
    public IReadOnlyDictionary<string, (string Folder, JsonObject Spec)> KernelSpecs()
    {
        var result = Run("list", "--json");
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"'{Display} list --json' failed: {result.Text}");
        }
        var specs = new Dictionary<string, (string, JsonObject)>(StringComparer.Ordinal);
        var root = JsonNode.Parse(result.Output)?["kernelspecs"]?.AsObject() ?? [];
        foreach (var (name, entry) in root)
        {
            if (entry?["resource_dir"]?.GetValue<string>() is { } folder && entry["spec"] is JsonObject spec)
            {
                specs[name] = (folder, spec);
            }
        }
        return specs;
    }

    /// <summary>
    /// Finds the Jupyter to use: <paramref name="explicitPath"/> when given (a <c>jupyter</c> executable or a Python with Jupyter),
    /// else <c>jupyter</c> on PATH, else the Python that runs it (its <c>#!</c> line), else <c>python3</c>, <c>python</c> or
    /// <c>py</c> on PATH: the first whose kernelspec command answers. A Python runs <c>-m jupyter_client.kernelspecapp</c>, the
    /// module behind <c>jupyter kernelspec</c>, which also works where a distribution ships Jupyter without the
    /// <c>jupyter-kernelspec</c> script (Debian 12's <c>jupyter-notebook</c>). Null, with the reasons in <paramref name="tried"/>,
    /// when none answers.
    /// </summary>
    public static Jupyter? Find(string? explicitPath, List<string> tried)
    {
        var candidates = new List<Jupyter>();
        void AddPython(string python) => candidates.Add(new Jupyter(python, ["-m", "jupyter_client.kernelspecapp"]) { IsModule = true });
        if (explicitPath is not null)
        {
            if (Path.GetFileNameWithoutExtension(explicitPath).StartsWith("py", StringComparison.OrdinalIgnoreCase))
            {
                AddPython(explicitPath);
            }
            else
            {
                candidates.Add(new Jupyter(explicitPath, []));
                if (Shebang(explicitPath) is { } python)
                {
                    AddPython(python);
                }
            }
        }
        else
        {
            if (ProcessRunner.FindOnPath("jupyter") is { } jupyter)
            {
                candidates.Add(new Jupyter(jupyter, []));
                if (Shebang(jupyter) is { } python)
                {
                    AddPython(python);
                }
            }
            foreach (var name in OperatingSystem.IsWindows() ? new[] { "python", "py", "python3" } : ["python3", "python"])
            {
                if (ProcessRunner.FindOnPath(name) is { } found)
                {
                    AddPython(found);
                }
            }
            if (candidates.Count == 0)
            {
                tried.Add("no jupyter, python3, python" + (OperatingSystem.IsWindows() ? " or py" : "") + " on PATH");
            }
        }
        foreach (var candidate in candidates)
        {
            var answer = candidate.Run("list", "--json");
            if (answer.Succeeded)
            {
                return candidate;
            }
            tried.Add($"{candidate.Display} kernelspec list: {FirstLine(answer.Text)}");
        }
        return null;
    }

    /// <summary>The interpreter named on the <c>#!</c> line of a script, when it names an existing file.</summary>
    private static string? Shebang(string script)
    {
        try
        {
            using var reader = new StreamReader(script);
            var first = new char[256];
            int n = reader.Read(first, 0, first.Length);
            string line = new string(first, 0, n).Split('\n')[0];
            if (!line.StartsWith("#!", StringComparison.Ordinal))
            {
                return null;
            }
            string interpreter = line[2..].Trim().Split(' ')[0];
            return File.Exists(interpreter) && !interpreter.EndsWith("/env", StringComparison.Ordinal) ? interpreter : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>What to tell a user without Jupyter.</summary>
    public const string HowToGet =
        "install Jupyter (JupyterLab or Notebook: `pip install jupyterlab`, `conda install jupyterlab`, or your system's package, e.g. `apt install jupyter-notebook` on Debian and Ubuntu), " +
        "or VS Code with its Jupyter extension and a Python that has `jupyter` (`pip install jupyter`); then run setup again, or pass --jupyter PATH";

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "(no output)";
}
