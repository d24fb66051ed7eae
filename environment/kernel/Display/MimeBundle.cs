using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis.CSharp.Scripting.Hosting;
using Microsoft.CodeAnalysis.Scripting.Hosting;

namespace Diffusion.Kernel.Display;

/// <summary>
/// Turns objects into Jupyter MIME bundles. An object with a public instance method
/// <c>IReadOnlyDictionary&lt;string, string&gt; ToMimeBundle()</c> (found by reflection) supplies its own;
/// collections are shown as <c>int[3] { 1, 2, 3 }</c>; everything else as ToString(). Every bundle has text/plain.
/// </summary>
internal static class MimeBundle
{
    private static readonly PrintOptions CollectionPrint = new() { MaximumOutputLength = 4000 };

    /// <summary>The bundle for a value (null shows as "null").</summary>
    public static Dictionary<string, string> For(object? value)
    {
        if (value is null)
        {
            return new() { ["text/plain"] = "null" };
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
