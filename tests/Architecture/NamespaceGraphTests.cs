using System.Text.RegularExpressions;
using Diffusion.Tests.Support;
using Xunit.Abstractions;

namespace Diffusion.Tests.Architecture;

/// <summary>
/// The seams of the library (DESIGN.md, "How the parts meet"): its namespaces use one another without cycles, the algorithm
/// rooms never use the notebook layer (<c>Diffusion.Hosting</c>), and every folder of <c>lib/</c> holds the namespace of its name.
/// </summary>
public partial class NamespaceGraphTests(ITestOutputHelper output)
{
    /// <summary>The rooms below the notebook layer: they reach the host only through <c>Engine.LoopHost</c>.</summary>
    public static TheoryData<string> AlgorithmRooms => new(["Engine", "IO", "Data", "Models", "Metrics", "Sampling", "Ddpm", "Sde", "Score", "Inverse", "Cold", "Pretrained", "Recipes"]);

    private static readonly Lazy<SortedDictionary<string, SortedSet<string>>> Compiled = new(() => NamespaceGraph.FromAssembly(typeof(Diffusion.Engine.TorchEngine).Assembly));

    private static readonly Lazy<SortedDictionary<string, SortedSet<string>>> Imports = new(() => NamespaceGraph.FromUsings(Path.Combine(Repository.Root(), "lib")));

    [Fact]
    public void CompiledNamespaces_UseEachOtherWithoutCycles()
    {
        output.WriteLine(NamespaceGraph.Describe(Compiled.Value));
        Assert.True(Compiled.Value.Count >= 16, $"only {Compiled.Value.Count} namespaces found: is the IL reader missing types?");
        var cycle = NamespaceGraph.FindCycle(Compiled.Value);
        Assert.True(cycle is null, $"namespace cycle in the compiled library: {string.Join(" -> ", cycle ?? [])}");
    }

    [Fact]
    public void UsingLines_ImportWithoutCycles()
    {
        output.WriteLine(NamespaceGraph.Describe(Imports.Value));
        var cycle = NamespaceGraph.FindCycle(Imports.Value);
        Assert.True(cycle is null, $"namespace cycle in lib/'s using lines: {string.Join(" -> ", cycle ?? [])}");
    }

    [Theory]
    [MemberData(nameof(AlgorithmRooms))]
    public void AlgorithmRoom_NeverUsesTheNotebookLayer(string room)
    {
        string from = "Diffusion." + room;
        Assert.DoesNotContain("Diffusion.Hosting", Compiled.Value.GetValueOrDefault(from) ?? []);
        Assert.DoesNotContain("Diffusion.Hosting", Imports.Value.GetValueOrDefault(from) ?? []);
        Assert.DoesNotContain("Diffusion.Plotting", Compiled.Value.GetValueOrDefault(from) ?? []);
    }

    [Fact]
    public void Graph_SeesAKnownEdge_AndFindsACycleWhenThereIsOne()
    {
        // The reader must be able to fail: a known dependency is there, and a made-up cycle is found.
        Assert.Contains("Diffusion.Sampling", Compiled.Value["Diffusion.Ddpm"]);
        Assert.Contains("Diffusion.Ddpm", Compiled.Value["Diffusion.Inverse"]);
        var cyclic = new Dictionary<string, SortedSet<string>>
        {
            ["Diffusion.A"] = ["Diffusion.B"],
            ["Diffusion.B"] = ["Diffusion.C"],
            ["Diffusion.C"] = ["Diffusion.A"],
        };
        Assert.Equal(["Diffusion.A", "Diffusion.B", "Diffusion.C", "Diffusion.A"], NamespaceGraph.FindCycle(cyclic));
    }

    [Fact]
    public void EveryLibFolder_HoldsTheNamespaceOfItsName()
    {
        string lib = Path.Combine(Repository.Root(), "lib");
        var wrong = new List<string>();
        foreach (string file in Directory.EnumerateFiles(lib, "*.cs", SearchOption.AllDirectories))
        {
            string folder = Path.GetRelativePath(lib, Path.GetDirectoryName(file)!).Replace(Path.DirectorySeparatorChar, '.');
            string declared = Namespace().Match(File.ReadAllText(file)).Groups[1].Value;
            if (declared != "Diffusion." + folder)
            {
                wrong.Add($"{Path.GetRelativePath(lib, file)}: namespace {declared}");
            }
        }
        Assert.True(wrong.Count == 0, "files whose namespace is not their folder's: " + string.Join("; ", wrong));
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Namespace();
}
