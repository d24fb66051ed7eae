using System.Runtime.CompilerServices;

namespace Diffusion.Hosting;

/// <summary>
/// Under .NET Interactive, gives this library's self-rendering types (<c>ToMimeBundle()</c>) .NET Interactive formatters
/// as soon as the library is first used, so a figure that ends a cell shows as a figure, not as a tree of its properties.
/// Types that carry <see cref="TypeFormatterSourceAttribute"/> are left to .NET Interactive's own discovery.
/// </summary>
internal static class DotNetInteractiveFormatters
{
    // A module initializer, although this is a library: the formatters must exist before any of its objects is shown, and
    // .NET Interactive cannot be told about them otherwise without a reference to its packages. Elsewhere it does nothing.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RegisterUnderDotNetInteractive()
    {
        try
        {
            DotNetInteractiveHost.Current?.RegisterFormatters(typeof(DotNetInteractiveFormatters).Assembly);
        }
        catch (Exception e) when (e is NotSupportedException or System.Reflection.TargetInvocationException or TypeLoadException)
        {
            Console.Error.WriteLine($"Diffusion.Hosting: .NET Interactive formatters were not registered: {e.Message}");
        }
    }
}
