using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis.CSharp.Scripting.Hosting;
using Microsoft.CodeAnalysis.Scripting.Hosting;

namespace Diffusion.Kernel.Display;

/// <summary>
/// Turns objects into Jupyter MIME bundles: the course library's formatters when it is loaded (a <c>format</c> function,
/// <see cref="HostBridge.Format"/>), else an object's public instance method
/// <c>IReadOnlyDictionary&lt;string, string&gt; ToMimeBundle()</c> (found by reflection); collections are shown as
/// <c>int[3] { 1, 2, 3 }</c>; everything else as ToString(). Every bundle has text/plain.
/// </summary>
internal static class MimeBundle
{
    private static readonly PrintOptions CollectionPrint = new() { MaximumOutputLength = 4000 };

    /// <summary>The bundle for a value (null shows as "null"); <paramref name="format"/> is tried first.</summary>
    public static Dictionary<string, string> For(object? value, Func<object, IReadOnlyDictionary<string, string>?>? format = null)
    {
        if (value is null)
        {
            return new() { ["text/plain"] = "null" };
        }
        if (format?.Invoke(value) is { } formatted)
        {
            var bundle = formatted.ToDictionary(p => p.Key, p => p.Value);
            bundle.TryAdd("text/plain", PlainText(value));
            return bundle;
        }
        var custom = FromMethod(value);
        if (custom is not null)
        {
            return custom;
        }
        return new() { ["text/plain"] = PlainText(value) };
    }

    private static Dictionary<string, string>? FromMethod(object value)
    {
        var method = value.GetType().GetMethod("ToMimeBundle", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (method is null)
        {
            return null;
        }
        var result = method.Invoke(value, null);
        var bundle = new Dictionary<string, string>();
        if (result is IEnumerable<KeyValuePair<string, string>> pairs)
        {
            foreach (var (mime, data) in pairs)
            {
                bundle[mime] = data;
            }
        }
        if (!bundle.ContainsKey("text/plain"))
        {
            bundle["text/plain"] = PlainText(value);
        }
        return bundle;
    }

    /// <summary>Plain text: ToString(), or the C# REPL's formatting for collections.</summary>
    public static string PlainText(object value)
    {
        if (value is string s)
        {
            return s;
        }
        if (value is IEnumerable && value.GetType().GetMethod("ToString", Type.EmptyTypes)?.DeclaringType == typeof(object))
        {
            try
            {
                return CSharpObjectFormatter.Instance.FormatObject(value, CollectionPrint);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return value.ToString() ?? "";
            }
        }
        return value.ToString() ?? "";
    }
}
