using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

/// <summary>
/// Turns .NET values into plotly JSON nodes: numbers in invariant culture (System.Text.Json never localises),
/// NaN and infinities as <c>null</c> (plotly's "missing value"), enums by their plotly names.
/// </summary>
internal static class PlotJson
{
    internal static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>A number node, or null for NaN/±∞ (JSON has no such numbers).</summary>
    internal static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    /// <summary>A float node written with float precision (0.1f prints as 0.1), or null when not finite.</summary>
    internal static JsonNode? Number(float v) => float.IsFinite(v) ? JsonValue.Create(v) : null;

    /// <summary>An array of numbers (NaN → null).</summary>
    internal static JsonArray Numbers(IEnumerable<double> values)
    {
        var a = new JsonArray();
        foreach (var v in values)
        {
            a.Add(Number(v));
        }
        return a;
    }

    /// <summary>Converts any supported value to a node: JsonNode, string, bool, numbers, enums, sequences, dictionaries.</summary>
    internal static JsonNode? From(object? value) => value switch
    {
        null => null,
        JsonNode n => n.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        double d => Number(d),
        float f => Number(f),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        decimal m => JsonValue.Create(m),
        short or byte or sbyte or ushort or uint => JsonValue.Create(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        Values v => v.ToJson(),
        Enum e => JsonValue.Create(PlotNames.Of(e)),
        IDictionary dict => FromDictionary(dict),
        IEnumerable seq => FromSequence(seq),
        _ => throw new ArgumentException($"cannot write a value of type {value.GetType().Name} into plotly JSON; pass a string, number, bool, enum, array, dictionary or JsonNode", nameof(value)),
    };

    private static JsonObject FromDictionary(IDictionary dict)
    {
        var o = new JsonObject();
        foreach (DictionaryEntry e in dict)
        {
            o[Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture)!] = From(e.Value);
        }
        return o;
    }

    private static JsonArray FromSequence(IEnumerable seq)
    {
        var a = new JsonArray();
        foreach (var item in seq)
        {
            a.Add(From(item));
        }
        return a;
    }

    /// <summary>
    /// Sets <paramref name="value"/> at a dotted path (<c>"marker.line.width"</c>) inside <paramref name="target"/>,
    /// creating intermediate objects as needed.
    /// </summary>
    internal static void SetPath(JsonObject target, string path, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var parts = path.Split('.');
        var node = target;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (node[parts[i]] is not JsonObject child)
            {
                child = new JsonObject();
                node[parts[i]] = child;
            }
            node = child;
        }
        node[parts[^1]] = From(value);
    }

    /// <summary>Copies every property of <paramref name="source"/> into <paramref name="target"/>, merging nested objects.</summary>
    internal static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            if (value is JsonObject obj && target[key] is JsonObject existing)
            {
                Merge(existing, obj);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    /// <summary>Serializes without indentation.</summary>
    internal static string Write(JsonNode node) => node.ToJsonString(Compact);
}
