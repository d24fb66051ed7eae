using System.Runtime.CompilerServices;
using Diffusion.Engine;

namespace Diffusion.Hosting;

/// <summary>
/// Installs the notebook layer into <see cref="LoopHost"/> as soon as the library loads, in every host: the samplers' and
/// training loops' progress is a <see cref="ProgressBar"/> (a notebook output, or a console line) and they stop on
/// <see cref="NotebookHost.Cancellation"/> (the running cell's interrupt), while the algorithms themselves never import this
/// namespace.
/// </summary>
internal static class LoopHostSetup
{
    // A module initializer, although this is a library: the loops must see the host from the first cell on, whichever of the
    // library's types a notebook touches first; installing stores two delegates and loads nothing.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install() =>
        LoopHost.Install((total, label) => new ProgressBar(total, label), () => NotebookHost.Cancellation);
}
