using Diffusion.Build;
using Diffusion.Engine;
using Diffusion.Tests.Support;
using Mono.Cecil;
using Mono.Cecil.Cil;
using TorchSharp;

namespace Diffusion.Tests.Engine;

/// <summary>
/// The lifetime step (environment/build/TorchSharpLifetimes.cs): the build output's TorchSharp.dll differs from the NuGet
/// cache's exactly by the rule's insertions, in exactly the committed methods, and it is the one this process runs.
/// </summary>
public class TorchSharpLifetimesTests
{
    /// <summary>TorchSharp.dll as restored into the NuGet cache (only read by the build).</summary>
    internal static string Stock()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, "torchsharp", "0.107.0", "lib", "net8.0", "TorchSharp.dll");
        Assert.True(File.Exists(path), $"TorchSharp 0.107.0 is not restored at {path}: run environment/setup.sh");
        return path;
    }

    private static string BuildCopy() => Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll");

    private static string CommittedList() => Path.Combine(Repository.Root(), "environment", "build", "torchsharp-lifetimes-0.107.0.txt");

    [Fact]
    public void OwnerTypes_AreTheTypesWhoseFinalizerFreesARawHandle()
    {
        using var stock = ModuleDefinition.ReadModule(Stock());
        var owners = TorchSharpLifetimes.OwnerTypes(stock).Select(t => t.FullName).Order(StringComparer.Ordinal);
        Assert.Equal(
        [
            "TorchSharp.InferenceMode", "TorchSharp.Modules.Parameter", "TorchSharp.Scalar", "TorchSharp.torch/Generator",
            "TorchSharp.torch/Tensor", "TorchSharp.torch/autograd/SavedVariable", "TorchSharp.torch/jit/CompilationUnit",
        ], owners);
    }

    [Fact]
    public void Rule_SelectsTheCommittedMethods()
    {
        using var stock = ModuleDefinition.ReadModule(Stock());
        var committed = File.ReadAllLines(CommittedList()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var selected = TorchSharpLifetimes.SelectedMethods(stock);
        Assert.True(committed.SequenceEqual(selected),
            $"the rule selects {selected.Count} methods, the list has {committed.Count}; only in the rule: " +
            string.Join("; ", selected.Except(committed).Take(5)) + "; only in the list: " + string.Join("; ", committed.Except(selected).Take(5)));
        // The methods behind the issue's operators are among them.
        Assert.Contains("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::div(TorchSharp.Scalar,TorchSharp.torch/RoundingMode)", selected);
        Assert.Contains("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::mul(TorchSharp.torch/Tensor)", selected);
        Assert.Contains("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::pow(TorchSharp.Scalar)", selected);
        Assert.Contains("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::add(TorchSharp.Scalar,TorchSharp.Scalar)", selected);
        Assert.Contains("TorchSharp.torch/Tensor TorchSharp.torch::cat(System.Collections.Generic.IList`1<TorchSharp.torch/Tensor>,System.Int64)", selected);
    }

    [Fact]
    public void BuildCopy_DiffersFromStockByTheRulesInsertionsAlone()
    {
        using var stock = ModuleDefinition.ReadModule(Stock());
        using var patched = ModuleDefinition.ReadModule(BuildCopy());
        Assert.Null(TorchSharpLifetimes.Marker(stock));
        Assert.NotNull(TorchSharpLifetimes.Marker(patched));
        var owners = TorchSharpLifetimes.OwnerTypes(stock);
        var patchedMethods = TorchSharpLifetimes.MethodsWithBodies(patched).ToDictionary(m => m.FullName);
        int changed = 0, same = 0;
        var wrong = new List<string>();
        foreach (var method in TorchSharpLifetimes.MethodsWithBodies(stock))
        {
            Assert.True(patchedMethods.Remove(method.FullName, out var copy), $"{method.FullName} is missing from the build copy");
            int stockLocals = method.Body.Variables.Count;
            var kept = TorchSharpLifetimes.Kept(method, owners);
            var expected = TorchSharpLifetimesCheck.Canonical(method.Body);
            var actual = kept is null ? TorchSharpLifetimesCheck.Canonical(copy!.Body) : TorchSharpLifetimesCheck.WithoutInsertions(copy!.Body, kept, stockLocals);
            if (!expected.SequenceEqual(actual)) wrong.Add(method.FullName);
            if (kept is null) same++; else changed++;
        }
        Assert.Empty(patchedMethods.Keys);
        Assert.True(wrong.Count == 0, $"{wrong.Count} methods differ otherwise than by the rule: {string.Join("; ", wrong.Take(5))}");
        Assert.Equal(File.ReadAllLines(CommittedList()).Count(l => l.Length > 0 && !l.StartsWith('#')), changed);
        Assert.True(same > changed, $"{same} methods unchanged, {changed} changed");
    }

    [Fact]
    public void DivByScalar_KeepsTheTensorAndTheScalarAliveBeforeItReturns()
    {
        using var patched = ModuleDefinition.ReadModule(BuildCopy());
        var div = patched.GetType("TorchSharp.torch/Tensor").Methods
            .Single(m => m.Name == "div" && m.Parameters.Count == 2 && m.Parameters[0].ParameterType.Name == "Scalar");
        var body = div.Body.Instructions;
        var ret = body.Single(i => i.OpCode == OpCodes.Ret);
        // ... ldarg.0; call GC.KeepAlive; ldarg.1 (the Scalar); call GC.KeepAlive; ret
        Assert.True(TorchSharpLifetimes.IsKeepAlive(ret.Previous));
        Assert.Equal(OpCodes.Ldarg_1, ret.Previous.Previous.OpCode);
        Assert.True(TorchSharpLifetimes.IsKeepAlive(ret.Previous.Previous.Previous));
        Assert.Equal(OpCodes.Ldarg_0, ret.Previous.Previous.Previous.Previous.OpCode);
    }

    [Fact]
    public void Comparison_CatchesAMissingKeepAlive()
    {
        using var stock = ModuleDefinition.ReadModule(Stock());
        using var copy = ModuleDefinition.ReadModule(Stock(), new ReaderParameters { InMemory = true });
        TorchSharpLifetimes.Patch(copy);
        static MethodDefinition Div(ModuleDefinition module) => module.GetType("TorchSharp.torch/Tensor").Methods
            .Single(m => m.Name == "div" && m.Parameters.Count == 2 && m.Parameters[0].ParameterType.Name == "Scalar");
        var kept = TorchSharpLifetimes.Kept(Div(stock), TorchSharpLifetimes.OwnerTypes(stock))!;
        var expected = TorchSharpLifetimesCheck.Canonical(Div(stock).Body);
        var patched = Div(copy).Body;
        Assert.Equal(expected, TorchSharpLifetimesCheck.WithoutInsertions(patched, kept, Div(stock).Body.Variables.Count));
        var ret = patched.Instructions.Single(i => i.OpCode == OpCodes.Ret);
        var il = patched.GetILProcessor();
        il.Remove(ret.Previous);   // the Scalar's GC.KeepAlive
        il.Remove(ret.Previous);   // and its load
        Assert.NotEqual(expected, TorchSharpLifetimesCheck.WithoutInsertions(patched, kept, Div(stock).Body.Variables.Count));
    }

    [Fact]
    public void ThisProcess_RunsTheBuildCopy_AndTheNuGetCacheIsStock()
    {
        Assert.Equal(Path.GetFullPath(BuildCopy()), Path.GetFullPath(typeof(torch).Assembly.Location));
        Assert.NotNull(TorchEngine.LifetimePatch);
        Assert.Contains("methods keep their tensors and scalars alive", TorchEngine.LifetimePatch);
        using var stock = ModuleDefinition.ReadModule(Stock());
        Assert.Null(TorchSharpLifetimes.Marker(stock));   // the build never wrote through a hard link into the cache
    }

    [Fact]
    public void Patch_RefusesAPatchedAssemblyAndTheStockPath()
    {
        using var patched = ModuleDefinition.ReadModule(BuildCopy());
        Assert.Contains("already patched", Assert.Throws<InvalidOperationException>(() => TorchSharpLifetimes.Patch(patched)).Message);
        Assert.Throws<InvalidOperationException>(() => TorchSharpLifetimes.PatchFile(Stock(), Stock()));
    }
}
