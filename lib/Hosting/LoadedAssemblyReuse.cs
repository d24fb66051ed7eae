using System.Reflection;
using System.Runtime.Loader;

namespace Diffusion.Hosting;

/// <summary>
/// One copy of each assembly per load context: when the context cannot satisfy a request because the assembly of that name
/// it already holds is older than asked for, the loaded one is given instead of letting a host load a second copy beside it
/// (two FSharp.Core make F# libraries fail: their types no longer match). Installed under .NET Interactive; the course
/// kernel loads every assembly once by itself.
/// </summary>
public static class LoadedAssemblyReuse
{
    private static readonly HashSet<AssemblyLoadContext> Installed = [];

    /// <summary>Makes <paramref name="context"/> answer requests for a newer version of an assembly it holds with the one it holds (once per context).</summary>
    public static void Install(AssemblyLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        lock (Installed)
        {
            if (Installed.Add(context))
            {
                context.Resolving += (loader, name) => Loaded(loader, name);
            }
        }
    }

    /// <summary>The assembly named like <paramref name="name"/> that <paramref name="context"/> already holds, or null.</summary>
    public static Assembly? Loaded(AssemblyLoadContext context, AssemblyName name)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(name);
        return context.Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, name.Name, StringComparison.OrdinalIgnoreCase));
    }
}
