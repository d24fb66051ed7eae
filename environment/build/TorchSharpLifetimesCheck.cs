// The check of the lifetime step (TorchSharpLifetimes.cs): a method of the rewritten TorchSharp.dll, with the rule's
// insertions taken out, must equal the stock method instruction for instruction. Compiled into the tests only.
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace Diffusion.Build;

/// <summary>Compares a rewritten method with its stock original (tests/Engine/TorchSharpLifetimesTests.cs).</summary>
public static class TorchSharpLifetimesCheck
{
    /// <summary>
    /// The instructions of <paramref name="patched"/> with the rule's insertions taken out, as <see cref="Canonical"/>
    /// text: equal to <c>Canonical(stock.Body)</c> exactly when the method changed only as the rule says. The insertions
    /// expected are those of <paramref name="expected"/> (the rule applied to the stock method): at each read a dup and a
    /// store into a new local; before each ret one load and one <c>GC.KeepAlive</c> per kept object, in the rule's order.
    /// Anything else (a missing, extra or misplaced insertion) makes the text differ, so the comparison fails.
    /// </summary>
    public static IReadOnlyList<string> WithoutInsertions(MethodBody patched, KeptObjects expected, int stockLocals)
    {
        patched.SimplifyMacros();
        var list = patched.Instructions;
        var inserted = new bool[list.Count];
        int newLocal = stockLocals;
        for (int i = 0; i + 2 < list.Count; i++)
        {
            if (list[i].OpCode.Code == Code.Dup && list[i + 1].OpCode.Code == Code.Stloc
                && list[i + 1].Operand is VariableDefinition v && v.Index == newLocal && IsHandleReadName(list[i + 2]))
            {
                inserted[i] = inserted[i + 1] = true;
                newLocal++;
            }
        }
        if (newLocal - stockLocals != expected.Reads.Count) return Mismatch(patched, "reads");
        var loads = ExpectedLoads(expected, stockLocals);
        int length = loads.Sum(l => l.Length + 1);
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].OpCode.Code != Code.Ret) continue;
            int j = i - length;
            if (j < 0) return Mismatch(patched, "ret");
            foreach (var load in loads)
            {
                foreach (string text in load)
                {
                    if (LoadText(list[j]) != text) return Mismatch(patched, "ret");
                    inserted[j++] = true;
                }
                if (!TorchSharpLifetimes.IsKeepAlive(list[j])) return Mismatch(patched, "ret");
                inserted[j++] = true;
            }
        }
        return Canonical(patched, inserted);
    }

    /// <summary>
    /// A method body as text, one line per instruction (macros simplified, branch targets as indices) and one per
    /// exception handler, leaving out the instructions flagged in <paramref name="skip"/> (a branch to one of them
    /// counts as a branch to the next kept instruction).
    /// </summary>
    public static IReadOnlyList<string> Canonical(MethodBody body, bool[]? skip = null)
    {
        body.SimplifyMacros();
        var list = body.Instructions;
        skip ??= new bool[list.Count];
        var reaches = new Dictionary<Instruction, int>();
        for (int i = list.Count - 1, next = -1; i >= 0; i--)
        {
            if (!skip[i]) next = i;
            reaches[list[i]] = next;   // the index of the instruction a branch here really reaches
        }
        var renumber = new Dictionary<int, int>();
        for (int i = 0, kept = 0; i < list.Count; i++)
        {
            if (!skip[i]) renumber[i] = kept++;
        }
        string Target(Instruction? target) =>
            target is null || reaches[target] < 0 ? "end" : renumber[reaches[target]].ToString(System.Globalization.CultureInfo.InvariantCulture);
        var lines = new List<string>();
        for (int i = 0; i < list.Count; i++)
        {
            if (skip[i]) continue;
            var operand = list[i].Operand switch
            {
                null => "",
                Instruction target => Target(target),
                Instruction[] targets => string.Join(",", targets.Select(Target)),
                VariableDefinition variable => "V" + variable.Index,
                ParameterDefinition parameter => "A" + parameter.Index,
                MemberReference member => member.FullName,
                var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            };
            lines.Add($"{list[i].OpCode.Name} {operand}");
        }
        foreach (var handler in body.ExceptionHandlers)
        {
            lines.Add($"{handler.HandlerType} try {Target(handler.TryStart)}-{Target(handler.TryEnd)} handler " +
                $"{Target(handler.HandlerStart)}-{Target(handler.HandlerEnd)} filter {Target(handler.FilterStart)} " +
                $"catch {handler.CatchType?.FullName}");
        }
        return lines;
    }

    private static IReadOnlyList<string> Mismatch(MethodBody body, string where) =>
        [.. Canonical(body), $"!! the rule's insertions at the {where}s are missing or misplaced"];

    private static bool IsHandleReadName(Instruction instruction) =>
        (instruction.OpCode.Code == Code.Call || instruction.OpCode.Code == Code.Callvirt)
        && instruction.Operand is MethodReference method && method.Name == "get_Handle";

    /// <summary>The instructions (as <see cref="LoadText"/>) that load each kept object, in the rule's order.</summary>
    private static List<string[]> ExpectedLoads(KeptObjects kept, int stockLocals)
    {
        var loads = new List<string[]>();
        if (kept.This) loads.Add(["ldarg this"]);
        loads.AddRange(kept.Parameters.Select(p => new[] { "ldarg A" + p.Index }));
        loads.AddRange(kept.Locals.Select(v => new[] { "ldloc V" + v.Index }));
        loads.AddRange(Enumerable.Range(stockLocals, kept.Reads.Count).Select(i => new[] { "ldloc V" + i }));
        loads.AddRange(kept.Spans.Select(p => new[] { "ldarga A" + p.Index, "call ToArray" }));
        return loads;
    }

    private static string LoadText(Instruction instruction) => instruction.OpCode.Code switch
    {
        Code.Ldarg when instruction.Operand is ParameterDefinition p => p.Index == -1 ? "ldarg this" : "ldarg A" + p.Index,
        Code.Ldarga when instruction.Operand is ParameterDefinition p => "ldarga A" + p.Index,
        Code.Call when instruction.Operand is MethodReference { Name: "ToArray" } => "call ToArray",
        Code.Ldloc when instruction.Operand is VariableDefinition v => "ldloc V" + v.Index,
        _ => instruction.ToString(),
    };

}
