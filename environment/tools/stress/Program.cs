using System.Globalization;
using Diffusion.Engine;
using Diffusion.Stress;

// The plain-process reproducer of TorchSharp 0.107's lifetime bug (README, "Reliability"):
//   dotnet environment/tools/stress/bin/Release/net10.0/Diffusion.Stress.dll [--seconds N] [--ops scalars|tensors|all]
//                                                                             [--stop-after ERRORS]
// Prints the engine, which TorchSharp.dll runs (patched or stock) and one result line; exits 1 when any operation failed
// or returned a wrong value. With the stock TorchSharp.dll the tensor operations end the process with SIGSEGV.
double seconds = 10;
int stopAfter = 0;
var operations = StressOperations.All;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--seconds": seconds = double.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--stop-after": stopAfter = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--ops": operations = Enum.Parse<StressOperations>(Value(), ignoreCase: true); break;
        default:
            Console.Error.WriteLine("usage: Diffusion.Stress [--seconds N] [--ops scalars|tensors|all] [--stop-after ERRORS]");
            return 2;
    }
}
Console.WriteLine(TorchEngine.Initialize(threads: 1));
Console.WriteLine($"TorchSharp.dll: {typeof(TorchSharp.torch).Assembly.Location} " +
    $"({TorchEngine.LifetimePatch ?? "stock: temporaries are not kept alive"})");
Console.Out.Flush();
var result = LifetimeStress.Run(TimeSpan.FromSeconds(seconds), operations, stopAfter);
Console.WriteLine(result);
return result.Errors == 0 ? 0 : 1;
