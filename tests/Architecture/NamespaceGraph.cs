using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;

namespace Diffusion.Tests.Architecture;

/// <summary>
/// Which of the library's namespaces uses which, read two ways: from the compiled assembly (every type a type names in its base,
/// interfaces, fields, signatures and method bodies' IL) and from the <c>using</c> lines of <c>lib/</c>.
/// </summary>
internal static partial class NamespaceGraph
{
    private const string Root = "Diffusion.";

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The namespace edges of <paramref name="assembly"/>'s types: A → B when a type of A names a type of B.</summary>
    public static SortedDictionary<string, SortedSet<string>> FromAssembly(Assembly assembly)
    {
        var edges = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            if (type.Namespace is not { } from || !from.StartsWith(Root, StringComparison.Ordinal))
            {
                continue;
            }
            var targets = edges.TryGetValue(from, out var set) ? set : edges[from] = new SortedSet<string>(StringComparer.Ordinal);
            void Add(Type? t)
            {
                if (t is null)
                {
                    return;
                }
                if (t.HasElementType)
                {
                    Add(t.GetElementType());
                    return;
                }
                if (t.IsGenericType && !t.IsGenericTypeDefinition)
                {
                    foreach (var a in t.GetGenericArguments())
                    {
                        Add(a);
                    }
                }
                if (!t.IsGenericParameter && t.Namespace is { } to && to.StartsWith(Root, StringComparison.Ordinal) && to != from)
                {
                    targets.Add(to);
                }
            }
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            Add(type.BaseType);
            foreach (var i in type.GetInterfaces())
            {
                Add(i);
            }
            foreach (var f in type.GetFields(all))
            {
                Add(f.FieldType);
            }
            foreach (var p in type.GetProperties(all))
            {
                Add(p.PropertyType);
            }
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method is MethodInfo m)
                {
                    Add(m.ReturnType);
                }
                foreach (var p in method.GetParameters())
                {
                    Add(p.ParameterType);
                }
                foreach (var named in BodyReferences(method))
                {
                    Add(named);
                }
            }
        }
        return edges;
    }

    /// <summary>The types a method's IL names: the types of <c>ldtoken</c>/<c>newarr</c>/…, the declaring types of called methods and used fields.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            int size = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                var member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                switch (member)
                {
                    case Type t:
                        yield return t;
                        break;
                    case MethodInfo m:
                        yield return m.DeclaringType!;
                        yield return m.ReturnType;
                        foreach (var a in m.IsGenericMethod ? m.GetGenericArguments() : [])
                        {
                            yield return a;
                        }
                        break;
                    case { DeclaringType: { } declaring }:
                        yield return declaring;
                        break;
                }
            }
            i += size;
        }
    }

    /// <summary>The namespace edges of the <c>using</c> lines (plain, static and global) of the C# files under <paramref name="lib"/>, by each file's namespace.</summary>
    public static SortedDictionary<string, SortedSet<string>> FromUsings(string lib)
    {
        var edges = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(lib, "*.cs", SearchOption.AllDirectories))
        {
            string text = File.ReadAllText(file);
            string from = FileNamespace().Match(text) is { Success: true } m ? m.Groups[1].Value : throw new InvalidDataException($"{file} declares no file-scoped namespace");
            var targets = edges.TryGetValue(from, out var set) ? set : edges[from] = new SortedSet<string>(StringComparer.Ordinal);
            foreach (Match u in UsingLine().Matches(text))
            {
                string to = u.Groups[1].Value;
                if (to != from)
                {
                    targets.Add(to);
                }
            }
        }
        return edges;
    }

    /// <summary>A cycle of <paramref name="edges"/> (its namespaces in order, the first repeated at the end), or null when there is none.</summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyDictionary<string, SortedSet<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);   // 1: on the path, 2: done
        var path = new List<string>();
        List<string>? Visit(string n)
        {
            state[n] = 1;
            path.Add(n);
            foreach (string next in edges.TryGetValue(n, out var targets) ? targets : [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path.Skip(path.IndexOf(next)), next];
                }
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[n] = 2;
            return null;
        }
        foreach (string n in edges.Keys)
        {
            if (state.GetValueOrDefault(n) == 0 && Visit(n) is { } cycle)
            {
                return cycle;
            }
        }
        return null;
    }

    /// <summary>One line per namespace: <c>Ddpm -> Engine, Sampling</c> (the common prefix dropped).</summary>
    public static string Describe(IReadOnlyDictionary<string, SortedSet<string>> edges) =>
        string.Join('\n', edges.Select(e => $"{e.Key[Root.Length..]} -> {string.Join(", ", e.Value.Select(v => v[Root.Length..]))}"));

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(Diffusion\.\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingLine();
}
