using System.Runtime.CompilerServices;
using Diffusion.Engine;

namespace Diffusion.Tests.Support;

/// <summary>Loads TorchSharp's engine once, before any test touches it, on one thread (tests are small; two threads contend).</summary>
internal static class EngineSetup
{
    [ModuleInitializer]
    internal static void Initialize() => TorchEngine.Initialize(threads: 1);
}
