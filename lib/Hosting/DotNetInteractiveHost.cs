using System.Reflection;

namespace Diffusion.Hosting;

/// <summary>
/// .NET Interactive (Polyglot Notebooks, the <c>dotnet-interactive</c> Jupyter kernel) seen through reflection, so the library
/// references none of its packages. Outputs are published as its own display events (<c>DisplayedValueProduced</c>, then
/// <c>DisplayedValueUpdated</c> with the same id, which Jupyter shows as display_data and update_display_data): objects with a
/// <c>ToMimeBundle()</c> show every MIME type of their bundle, other objects go through its formatters. Its own
/// <c>display(x).Update(y)</c> publishes the update under a different display id (measured with 1.0.712001), so updates
/// in place go through here.
/// </summary>
public sealed class DotNetInteractiveHost
{
    private const string Root = "Microsoft.DotNet.Interactive";
    private static readonly Lazy<DotNetInteractiveHost?> InProcess = new(() =>
        Find(AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name is Root or Root + ".Formatting")));

    private readonly PropertyInfo _current;
    private readonly PropertyInfo _command;
    private readonly PropertyInfo _cancellation;
    private readonly MethodInfo _publish;
    private readonly ConstructorInfo _produced;
    private readonly ConstructorInfo _updated;
    private readonly ConstructorInfo _formattedValue;
    private readonly Type _formattedValueType;
    private readonly MethodInfo _format;
    private readonly MethodInfo _register;
    private readonly MethodInfo? _preferMimeTypes;

    private DotNetInteractiveHost(Func<string, Type> type)
    {
        var context = type($"{Root}.KernelInvocationContext");
        var command = type($"{Root}.Commands.KernelCommand");
        var kernelEvent = type($"{Root}.Events.KernelEvent");
        _formattedValueType = type($"{Root}.Formatting.FormattedValue");
        var values = typeof(IReadOnlyCollection<>).MakeGenericType(_formattedValueType);
        _current = Member(context.GetProperty("Current", BindingFlags.Public | BindingFlags.Static), "KernelInvocationContext.Current");
        _command = Member(context.GetProperty("Command"), "KernelInvocationContext.Command");
        _cancellation = Member(context.GetProperty("CancellationToken"), "KernelInvocationContext.CancellationToken");
        _publish = Member(context.GetMethod("Publish", [kernelEvent]), "KernelInvocationContext.Publish(KernelEvent)");
        _produced = Member(type($"{Root}.Events.DisplayedValueProduced").GetConstructor([typeof(object), command, values, typeof(string)]),
            "DisplayedValueProduced(object, KernelCommand, IReadOnlyCollection<FormattedValue>, string)");
        _updated = Member(type($"{Root}.Events.DisplayedValueUpdated").GetConstructor([typeof(object), typeof(string), command, values]),
            "DisplayedValueUpdated(object, string, KernelCommand, IReadOnlyCollection<FormattedValue>)");
        _formattedValue = Member(_formattedValueType.GetConstructor([typeof(string), typeof(string)]), "FormattedValue(string, string)");
        _format = Member(_formattedValueType.GetMethod("CreateManyFromObject", BindingFlags.Public | BindingFlags.Static, [typeof(object), typeof(string[])]),
            "FormattedValue.CreateManyFromObject(object, string[])");
        _register = Member(type($"{Root}.Formatting.Formatter").GetMethod("Register", BindingFlags.Public | BindingFlags.Static,
            [typeof(Type), typeof(Action<object, TextWriter>), typeof(string)]), "Formatter.Register(Type, Action<object, TextWriter>, string)");
        // Without it a cell's value carries only the preferred text/html (then viewers that run no HTML show nothing).
        _preferMimeTypes = type($"{Root}.Formatting.Formatter").GetMethod("SetPreferredMimeTypesFor", BindingFlags.Public | BindingFlags.Static,
            [typeof(Type), typeof(string[])]);
    }

    /// <summary>The .NET Interactive running this process, or null (the course kernel, a console, a test).</summary>
    public static DotNetInteractiveHost? Current => InProcess.Value;

    /// <summary>
    /// Finds .NET Interactive among <paramref name="assemblies"/>: null when its <c>Kernel</c> type is not there.
    /// </summary>
    /// <exception cref="NotSupportedException">It is there, but a member this bridge uses is missing (another version).</exception>
    public static DotNetInteractiveHost? Find(IEnumerable<Assembly> assemblies)
    {
        var list = assemblies.ToList();
        if (Lookup(list, $"{Root}.Kernel") is null)
        {
            return null;
        }
        return new DotNetInteractiveHost(name => Lookup(list, name) ?? throw Missing(name));
    }

    /// <summary>The running cell's token (cancelled when .NET Interactive cancels the cell); none outside a cell.</summary>
    public CancellationToken Cancellation =>
        _current.GetValue(null) is { } context && _cancellation.GetValue(context) is CancellationToken token ? token : default;

    /// <summary>Shows <paramref name="value"/> below the running cell; the returned action replaces it with another value.</summary>
    /// <exception cref="InvalidOperationException">No cell is running (no invocation context).</exception>
    public Action<object> Display(object value)
    {
        var context = _current.GetValue(null) ?? throw new InvalidOperationException(
            "NotebookHost.Display: .NET Interactive has no running cell (KernelInvocationContext.Current is null); display from a cell.");
        var id = Guid.NewGuid().ToString("N");
        Publish(context, _produced.Invoke([value, _command.GetValue(context), Formatted(value), id]));
        return next => Publish(context, _updated.Invoke([next, id, _command.GetValue(context), Formatted(next)]));
    }

    /// <summary>
    /// Registers .NET Interactive formatters (text/html and text/plain, from <see cref="NotebookFormatters.TryFormat"/>) for
    /// <paramref name="types"/>, except those that carry <see cref="TypeFormatterSourceAttribute"/> (.NET Interactive finds
    /// theirs), so they render richly as a cell's value too, and makes both MIME types preferred, so a cell's value carries
    /// its text/plain beside its text/html; returns how many types it registered.
    /// </summary>
    public int RegisterFormatters(IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var count = 0;
        foreach (var type in types.Where(t => t.GetCustomAttribute<TypeFormatterSourceAttribute>(inherit: true) is null))
        {
            foreach (var mime in new[] { "text/html", "text/plain" })
            {
                var formatter = new MimeBundleFormatter(mime);
                _register.Invoke(null, [type, (Action<object, TextWriter>)((value, writer) => formatter.Format(value, writer)), mime]);
            }
            _preferMimeTypes?.Invoke(null, [type, new[] { "text/html", "text/plain" }]);
            count++;
        }
        return count;
    }

    /// <summary>The public, concrete types of <paramref name="assembly"/> with a <c>ToMimeBundle()</c> (types that do not load are skipped).</summary>
    public static IEnumerable<Type> SelfRenderingTypes(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return Loadable(assembly).Where(t => t.IsVisible && !t.IsAbstract && Renders(t));
    }

    /// <summary>The assembly's types that load (a type whose base lives in an assembly not found here is skipped).</summary>
    private static IEnumerable<Type> Loadable(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private static bool Renders(Type type)
    {
        try
        {
            return MimeBundles.HasBundle(type);
        }
        catch (Exception e) when (e is TypeLoadException or FileNotFoundException or FileLoadException)
        {
            return false;
        }
    }

    private void Publish(object context, object displayEvent) => _publish.Invoke(context, [displayEvent]);

    /// <summary>The library's MIME bundle as FormattedValues (<see cref="NotebookFormatters"/>), or .NET Interactive's own formatting.</summary>
    private object Formatted(object? value)
    {
        if (value is null || NotebookFormatters.TryFormat(value) is not { } bundle)
        {
            return _format.Invoke(null, [value, Array.Empty<string>()])!;
        }
        var values = Array.CreateInstance(_formattedValueType, bundle.Count);
        var i = 0;
        foreach (var (mime, text) in bundle)
        {
            values.SetValue(_formattedValue.Invoke([mime, text]), i++);
        }
        return values;
    }

    private static Type? Lookup(IEnumerable<Assembly> assemblies, string name) =>
        assemblies.Select(a => a.GetType(name, throwOnError: false)).FirstOrDefault(t => t is not null);

    private static T Member<T>(T? member, string what) where T : class => member ?? throw Missing(what);

    private static NotSupportedException Missing(string what) => new(
        $"This version of .NET Interactive lacks {what}, which Diffusion.Hosting uses to display outputs; "
        + "use Microsoft.dotnet-interactive 1.0.712001 (the course's tool manifest) or the course kernel.");
}
