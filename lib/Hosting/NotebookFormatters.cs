using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Plotly.NET;

namespace Diffusion.Hosting;

/// <summary>
/// How values render in a notebook: a registry of formatters that turn a value into a MIME bundle (MIME type → data,
/// always with <c>text/plain</c>). The kernel calls <see cref="TryFormat"/> by reflection for cell results and for
/// <c>display(...)</c>, so any Plotly.NET chart a student builds draws, offline, with the plotly.js Plotly.NET embeds.
/// </summary>
/// <remarks>
/// Lookup: the formatter registered for the value's own type, else for its nearest base type, else for an interface it
/// implements (the first registered); else the value's public instance method
/// <c>IReadOnlyDictionary&lt;string, string&gt; ToMimeBundle()</c> (course types such as
/// <c>AnimatedChart</c> and <c>TensorImage</c> of Diffusion.Plotting have one); else null (the kernel then shows
/// <c>ToString()</c>). Built in: Plotly.NET's <see cref="GenericChart"/> (<see cref="ChartHtml.MimeBundle"/>). The
/// built-ins are registered by this class's static constructor, so they are in place before any registration or
/// lookup, whichever entry point the kernel or a notebook uses first; a later <see cref="Register{T}"/> for the same
/// type replaces them. If Plotly.NET cannot be loaded, the registry still works for everything else and
/// <see cref="BuiltInsUnavailable"/> says why charts do not render.
/// </remarks>
public static class NotebookFormatters
{
    private static readonly ConcurrentDictionary<Type, Func<object, IReadOnlyDictionary<string, string>>> Formatters = new();
    private static readonly ConcurrentQueue<Type> InterfaceOrder = new();

    static NotebookFormatters()
    {
        try
        {
            RegisterBuiltIns();
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            // Plotly.NET or its FSharp.Core could not be loaded: every other value still formats.
            BuiltInsUnavailable = $"Plotly.NET charts cannot be formatted because {e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>
    /// Why the built-in chart formatter is missing (Plotly.NET or FSharp.Core could not be loaded into this process), or
    /// null when it is registered.
    /// </summary>
    public static string? BuiltInsUnavailable { get; }

    /// <summary>
    /// Registers <paramref name="format"/> for values of type <typeparamref name="T"/> (and types derived from it that
    /// have no formatter of their own), replacing any earlier formatter for <typeparamref name="T"/>.
    /// </summary>
    /// <typeparam name="T">The value type; a class, an interface or a struct.</typeparam>
    /// <param name="format">Returns the MIME bundle of a value; <c>text/plain</c> is added from <c>ToString()</c> when missing.</param>
    public static void Register<T>(Func<T, IReadOnlyDictionary<string, string>> format)
    {
        ArgumentNullException.ThrowIfNull(format);
        bool added = !Formatters.ContainsKey(typeof(T));
        Formatters[typeof(T)] = value => format((T)value);
        if (added && typeof(T).IsInterface)
        {
            InterfaceOrder.Enqueue(typeof(T));
        }
    }

    /// <summary>
    /// The MIME bundle of <paramref name="value"/> from the most specific formatter (see the class remarks), always
    /// holding <c>text/plain</c>; null for a null value, or when no formatter applies and the value has no
    /// <c>ToMimeBundle()</c> method. A formatter's own exception propagates (the kernel shows it as the cell's error).
    /// </summary>
    public static IReadOnlyDictionary<string, string>? TryFormat(object value)
    {
        if (value is null)
        {
            return null;
        }
        var bundle = FindFormatter(value.GetType()) is { } format ? format(value) : FromToMimeBundle(value);
        return bundle is null ? null : WithPlainText(bundle, value);
    }

    /// <summary>Registers the built-in formatters; a separate method so that a missing Plotly.NET fails here, not in the static constructor's JIT.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RegisterBuiltIns() => Register<GenericChart>(ChartHtml.MimeBundle);

    /// <summary>The formatter for <paramref name="type"/>: its own, its nearest base type's, else the first registered interface it implements.</summary>
    private static Func<object, IReadOnlyDictionary<string, string>>? FindFormatter(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (Formatters.TryGetValue(t, out var format))
            {
                return format;
            }
        }
        foreach (var candidate in InterfaceOrder)
        {
            if (candidate.IsAssignableFrom(type) && Formatters.TryGetValue(candidate, out var format))
            {
                return format;
            }
        }
        return null;
    }

    /// <summary>Calls the value's public <c>ToMimeBundle()</c>, if it has one returning <c>IReadOnlyDictionary&lt;string, string&gt;</c>.</summary>
    private static IReadOnlyDictionary<string, string>? FromToMimeBundle(object value)
    {
        var method = value.GetType().GetMethod("ToMimeBundle", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (method is null || !typeof(IReadOnlyDictionary<string, string>).IsAssignableFrom(method.ReturnType))
        {
            return null;
        }
        try
        {
            return (IReadOnlyDictionary<string, string>?)method.Invoke(value, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static IReadOnlyDictionary<string, string> WithPlainText(IReadOnlyDictionary<string, string> bundle, object value)
    {
        if (bundle.ContainsKey("text/plain"))
        {
            return bundle;
        }
        var copy = bundle.ToDictionary(p => p.Key, p => p.Value);
        copy["text/plain"] = value.ToString() ?? value.GetType().Name;
        return copy;
    }
}
