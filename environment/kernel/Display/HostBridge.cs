using System.Reflection;

namespace Diffusion.Kernel.Display;

/// <summary>
/// Connects the course library to the kernel without a compile-time reference: whenever an assembly
/// with the type <c>Diffusion.Hosting.NotebookHost</c> is loaded, its static properties <c>Display</c>
/// (Func&lt;object, Action&lt;object&gt;&gt;) and <c>Cancellation</c> (the cell's token) are set by reflection; and
/// when it has <c>Diffusion.Hosting.NotebookFormatters.TryFormat(object)</c>, values are formatted with it (<see cref="Format"/>).
/// </summary>
internal sealed class HostBridge
{
    private const string HostTypeName = "Diffusion.Hosting.NotebookHost";
    private const string FormattersTypeName = "Diffusion.Hosting.NotebookFormatters";
    private readonly Func<object, Action<object>> _display;
    private readonly List<Type> _hosts = [];
    private readonly Lock _lock = new();
    private CancellationToken _token;
    private MethodInfo? _tryFormat;

    /// <summary>Watches assembly loads; <paramref name="display"/> shows an object and returns its updater.</summary>
    public HostBridge(Func<object, Action<object>> display)
    {
        _display = display;
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) => Attach(e.LoadedAssembly);
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            Attach(assembly);
        }
    }

    /// <summary>The number of NotebookHost types connected so far.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _hosts.Count;
            }
        }
    }

    /// <summary>
    /// The library's MIME bundle for <paramref name="value"/> (<c>NotebookFormatters.TryFormat</c>: its registered formatters,
    /// Plotly.NET charts, <c>ToMimeBundle()</c>), or null when the library is not loaded or has no formatter for it.
    /// An exception of the formatter propagates (the cell shows it).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Format(object value)
    {
        MethodInfo? tryFormat;
        lock (_lock)
        {
            tryFormat = _tryFormat;
        }
        if (tryFormat is null)
        {
            return null;
        }
        try
        {
            return tryFormat.Invoke(null, [value]) as IReadOnlyDictionary<string, string>;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    /// <summary>Before a cell: sets Display and the cell's cancellation token on every connected host.</summary>
    public void BeginCell(CancellationToken token)
    {
        lock (_lock)
        {
            _token = token;
            foreach (var host in _hosts)
            {
                Set(host, "Display", _display);
                Set(host, "Cancellation", token);
            }
        }
    }

    private void Attach(Assembly assembly)
    {
        if (assembly.IsDynamic)
        {
            return;
        }
        Type? host;
        MethodInfo? tryFormat;
        try
        {
            host = assembly.GetType(HostTypeName, throwOnError: false);
            tryFormat = assembly.GetType(FormattersTypeName, throwOnError: false)?
                .GetMethod("TryFormat", BindingFlags.Public | BindingFlags.Static, [typeof(object)]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return;
        }
        if (host is null)
        {
            return;
        }
        lock (_lock)
        {
            if (tryFormat is not null && typeof(IReadOnlyDictionary<string, string>).IsAssignableFrom(tryFormat.ReturnType))
            {
                _tryFormat = tryFormat;
            }
            if (_hosts.Contains(host))
            {
                return;
            }
            _hosts.Add(host);
            Set(host, "Display", _display);
            Set(host, "Cancellation", _token);
        }
    }

    private static void Set(Type host, string name, object value)
    {
        var property = host.GetProperty(name, BindingFlags.Public | BindingFlags.Static);
        if (property is not null && property.CanWrite && property.PropertyType.IsInstanceOfType(value))
        {
            property.SetValue(null, value);
        }
        else
        {
            Console.Error.WriteLine($"kernel: {host.FullName}.{name} is missing or has an unexpected type; not set.");
        }
    }
}
