using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Diffusion.Hosting;

/// <summary>
/// What the library sets up in .NET Interactive's process as soon as it is first used (elsewhere it does nothing):
/// <list type="bullet">
/// <item>.NET Interactive formatters for its self-rendering types (<c>ToMimeBundle()</c>) and Plotly.NET's charts, through
/// <see cref="NotebookFormatters"/>, so a chart or a picture that ends a cell shows as such, not as a tree of its
/// properties (types that carry <see cref="TypeFormatterSourceAttribute"/> are left to .NET Interactive's discovery);</item>
/// <item><see cref="LoadedAssemblyReuse"/>: .NET Interactive 1.0.712001 ships FSharp.Core 10.0 and Plotly.NET 6.0.0 asks
/// for 10.1, which would load a second FSharp.Core (Plotly.NET then fails with a MissingMethodException).</item>
/// </list>
/// </summary>
internal static class DotNetInteractiveSetup
{
    // A module initializer, although this is a library: this must happen before any of its objects is shown or any of its
    // F# dependencies loads, and .NET Interactive cannot be told otherwise without a reference to its packages.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void SetUpUnderDotNetInteractive()
    {
        try
        {
            if (DotNetInteractiveHost.Current is not { } host)
            {
                return;
            }
            LoadedAssemblyReuse.Install(AssemblyLoadContext.Default);
            host.RegisterFormatters(DotNetInteractiveHost.SelfRenderingTypes(typeof(DotNetInteractiveSetup).Assembly));
            RegisterCharts(host);
        }
        catch (Exception e) when (e is NotSupportedException or System.Reflection.TargetInvocationException or TypeLoadException
            or FileNotFoundException or FileLoadException)
        {
            Console.Error.WriteLine($"Diffusion.Hosting: set-up for .NET Interactive incomplete: {e.Message}");
        }
    }

    /// <summary>
    /// Plotly.NET's charts; a method of its own so that a missing Plotly.NET fails here, inside the caller's try, and not
    /// when the module initializer is compiled (which would fail the whole library in every host).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RegisterCharts(DotNetInteractiveHost host) => host.RegisterFormatters([typeof(Plotly.NET.GenericChart)]);
}
