using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Diffusion.Kernel.Execution;

/// <summary>
/// The inputs (and text results) of this kernel's cells, numbered by execution count, answering Jupyter's
/// <c>history_request</c> as IPython does: <c>tail</c> (the last n), <c>range</c> (lines start ≤ line &lt; stop of a
/// session) and <c>search</c> (a glob pattern with * and ?, optionally unique, the last n matches).
/// The kernel has one session, numbered <see cref="Session"/>; session 0 (or a negative one) means the current session.
/// </summary>
internal sealed class CellHistory
{
    /// <summary>The number of this kernel's session in replies.</summary>
    public const int Session = 1;

    private readonly List<(int Line, string Input, string? Output)> _entries = [];

    /// <summary>The number of stored cells.</summary>
    public int Count => _entries.Count;

    /// <summary>Stores a cell that ran with store_history (its execution count is its line number).</summary>
    public void Add(int line, string input) => _entries.Add((line, input, null));

    /// <summary>Records the text/plain result of the cell with that line number.</summary>
    public void SetOutput(int line, string output)
    {
        int i = _entries.FindLastIndex(e => e.Line == line);
        if (i >= 0)
        {
            _entries[i] = _entries[i] with { Output = output };
        }
    }

    /// <summary>The reply's <c>history</c> list for a history_request's content.</summary>
    public JsonArray Reply(JsonObject request)
    {
        bool output = Bool(request, "output");
        string access = request["hist_access_type"]?.GetValue<string>() ?? "tail";
        IEnumerable<(int Line, string Input, string? Output)> chosen = access switch
        {
            "tail" => Last(_entries, Int(request, "n") ?? 10),
            "range" => Range(Int(request, "session") ?? 0, Int(request, "start") ?? 0, Int(request, "stop")),
            "search" => Search(request["pattern"]?.GetValue<string>() ?? "*", Bool(request, "unique"), Int(request, "n")),
            _ => [],
        };
        var history = new JsonArray();
        foreach (var (line, input, result) in chosen)
        {
            JsonNode entry = output ? new JsonArray(JsonValue.Create(input), JsonValue.Create(result)) : JsonValue.Create(input);
            history.Add(new JsonArray(JsonValue.Create(Session), JsonValue.Create(line), entry));
        }
        return history;
    }

    private IEnumerable<(int, string, string?)> Range(int session, int start, int? stop)
    {
        if (session > 0 && session != Session)
        {
            return [];
        }
        return _entries.Where(e => e.Line >= start && (stop is not int s || e.Line < s));
    }

    private IEnumerable<(int, string, string?)> Search(string pattern, bool unique, int? n)
    {
        var glob = new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.Singleline);
        var matches = _entries.Where(e => glob.IsMatch(e.Input)).ToList();
        if (unique)
        {
            // Keep the latest cell of each distinct input, in order.
            var seen = new HashSet<string>();
            matches = matches.AsEnumerable().Reverse().Where(e => seen.Add(e.Input)).Reverse().ToList();
        }
        return n is int count ? Last(matches, count) : matches;
    }

    private static IEnumerable<T> Last<T>(List<T> items, int n) => items.Skip(Math.Max(0, items.Count - Math.Max(0, n)));

    private static bool Bool(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out bool b) && b;

    private static int? Int(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out int i) ? i : null;
}
