using System.Collections.Concurrent;
using System.Net;
using System.Reflection;

namespace Diffusion.Hosting;

/// <summary>
/// Helpers for MIME bundles (MIME type to text; binary formats in base64) in hosts that need more than
/// <see cref="NotebookFormatters.TryFormat"/>: which types render themselves with a public instance method
/// <c>IReadOnlyDictionary&lt;string, string&gt; ToMimeBundle()</c>, and a bundle as one piece of HTML.
/// </summary>
public static class MimeBundles
{
    private static readonly ConcurrentDictionary<Type, MethodInfo?> Methods = new();

    /// <summary>True when <paramref name="type"/> has a public <c>ToMimeBundle()</c>.</summary>
    public static bool HasBundle(Type type) => MethodOf(type) is not null;

    /// <summary>
    /// The bundle as HTML, for hosts that show one format: its text/html; else its image (PNG, JPEG, GIF as a data URL; SVG
    /// inline); else its Markdown or plain text, escaped in a &lt;pre&gt;.
    /// </summary>
    public static string ToHtml(IReadOnlyDictionary<string, string> bundle)
    {
        if (bundle.TryGetValue("text/html", out var html))
        {
            return html;
        }
        if (bundle.TryGetValue("image/svg+xml", out var svg))
        {
            return svg;
        }
        foreach (var image in new[] { "image/png", "image/jpeg", "image/gif" })
        {
            if (bundle.TryGetValue(image, out var base64))
            {
                return $"<img src=\"data:{image};base64,{base64}\" />";
            }
        }
        var text = bundle.GetValueOrDefault("text/markdown") ?? bundle.GetValueOrDefault("text/plain") ?? "";
        return $"<pre>{WebUtility.HtmlEncode(text)}</pre>";
    }

    private static MethodInfo? MethodOf(Type type) => Methods.GetOrAdd(type, t =>
    {
        var method = t.GetMethod("ToMimeBundle", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        return method is not null && typeof(IEnumerable<KeyValuePair<string, string>>).IsAssignableFrom(method.ReturnType) ? method : null;
    });
}
