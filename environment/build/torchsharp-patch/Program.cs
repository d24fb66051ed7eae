using Diffusion.Build;
using Mono.Cecil;

// dotnet Diffusion.TorchSharpPatch.dll patch STOCK.dll PATCHED.dll   writes the patched copy (never touches STOCK)
// dotnet Diffusion.TorchSharpPatch.dll list STOCK.dll                prints the methods the rule changes
// dotnet Diffusion.TorchSharpPatch.dll owners STOCK.dll              prints the owner types
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Diffusion.TorchSharpPatch patch STOCK.dll PATCHED.dll | list STOCK.dll | owners STOCK.dll");
    return 2;
}
try
{
    switch (args[0])
    {
        case "patch" when args.Length == 3:
            var result = TorchSharpLifetimes.PatchFile(args[1], args[2]);
            Console.WriteLine($"TorchSharp's tensors and scalars kept alive across native calls: {result.Methods.Count} methods " +
                $"keep {result.KeptObjects} objects, in {args[2]}");
            return 0;
        case "list":
            using (var module = ModuleDefinition.ReadModule(args[1]))
            {
                foreach (var name in TorchSharpLifetimes.SelectedMethods(module)) Console.WriteLine(name);
            }
            return 0;
        case "owners":
            using (var module = ModuleDefinition.ReadModule(args[1]))
            {
                foreach (var type in TorchSharpLifetimes.OwnerTypes(module).OrderBy(t => t.FullName, StringComparer.Ordinal))
                {
                    Console.WriteLine(type.FullName);
                }
            }
            return 0;
        default:
            Console.Error.WriteLine($"unknown command '{args[0]}'");
            return 2;
    }
}
catch (Exception e) when (e is IOException or BadImageFormatException or InvalidOperationException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Diffusion.TorchSharpPatch: {e.Message}");
    return 1;
}
