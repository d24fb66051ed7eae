// Keeps TorchSharp 0.107's tensors and scalars alive across their native calls, by rewriting a copy of TorchSharp.dll.
//
// A tensor-scalar operator (x / 3.0) converts the number into a temporary TorchSharp.Scalar, and the method that takes it
// (Tensor.div(Scalar)) reads its Handle and calls LibTorch with that pointer. From the read on nothing uses the Scalar, so
// the JIT reports it dead; a garbage collection started by any other thread during the native call can then run its
// finalizer, which frees the native scalar LibTorch is reading ("Unknown scalar type", "Expected false to be true").
// Tensors have the same finalizer: in x.neg().mul(y), x.neg() is a temporary that only mul's `this` refers to, and a
// collection during THSTensor_mul frees it under LibTorch (a segmentation fault here within a second of forced
// collections). Upstream pull requests 1434 and 1496 (open) dispose the scalars of the operators explicitly.
//
// The rule applied here. An owner type is a reference type of TorchSharp.dll whose finalizer frees a native object held
// as a raw IntPtr (Tensor and its subclasses, Scalar, Generator, ...; types that hold a SafeHandle, such as Module, are
// already kept alive by the marshaller). In every method of TorchSharp.dll that calls a P/Invoke or reads an owner's
// handle, or calls a method that turns owners into handles (ToHandleArray), these stay reachable until it returns:
//   - `this`, each parameter and each local whose type is an owner or holds owners (Tensor[], IList<Tensor>, ...);
//   - each ReadOnlySpan<Tensor> parameter, by copying it at the return (GC.KeepAlive(span.ToArray())): torch.cat(Tensor[])
//     passes its array on as a span, and the span method hands only IntPtr[] to the one that calls LibTorch;
//   - each owner whose handle the method read (the read `call Owner::get_Handle` becomes `dup; stloc tmp; call
//     Owner::get_Handle`, tmp a new local per read), unless it was read from `this` or from a kept parameter that the
//     method never reassigns, which are kept already.
// Each `ret` becomes `ldarg/ldloc kept; call GC.KeepAlive(object); ...; ret`. The caller's temporaries (the Scalar of
// `x / 3.0`, the x.neg() of x.neg().mul(y)) are the callee's arguments or receiver, so a notebook cell is covered without
// changing the cell. Nothing else in the assembly changes: the tests compare every method with the stock one
// (TorchSharpLifetimesCheck.cs).
//
// Compiled into the patch tool (environment/build/torchsharp-patch, run by Directory.Build.targets) and into the tests.
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace Diffusion.Build;

/// <summary>What <see cref="TorchSharpLifetimes.Patch"/> changed.</summary>
/// <param name="Methods">The full names of the methods it changed, in ordinal order.</param>
/// <param name="KeptObjects">How many objects those methods now keep alive, summed over the methods.</param>
public sealed record LifetimePatchResult(IReadOnlyList<string> Methods, int KeptObjects);

/// <summary>What one method keeps alive under the rule (see the file's header).</summary>
/// <param name="This">True when <c>this</c> is kept.</param>
/// <param name="Parameters">The kept parameters (not <c>this</c>).</param>
/// <param name="Locals">The kept locals that the stock method declares.</param>
/// <param name="Reads">The reads of an owner's handle whose object gets a new local.</param>
/// <param name="Spans">The <c>ReadOnlySpan</c>/<c>Span</c> parameters of owners: kept by copying them at the return
/// (<c>GC.KeepAlive(span.ToArray())</c>), which keeps the array behind the span reachable until then.</param>
public sealed record KeptObjects(bool This, IReadOnlyList<ParameterDefinition> Parameters, IReadOnlyList<VariableDefinition> Locals,
    IReadOnlyList<Instruction> Reads, IReadOnlyList<ParameterDefinition> Spans)
{
    /// <summary>How many objects each <c>ret</c> keeps alive.</summary>
    public int Count => (This ? 1 : 0) + Parameters.Count + Locals.Count + Reads.Count + Spans.Count;
}

/// <summary>The rewrite of TorchSharp.dll that keeps tensors and scalars alive while LibTorch reads them.</summary>
public static class TorchSharpLifetimes
{
    /// <summary>The key of the <c>AssemblyMetadataAttribute</c> that marks a patched assembly.</summary>
    public const string MarkerKey = "Diffusion.TorchSharpLifetimes";

    /// <summary>
    /// The owner types of <paramref name="module"/>: reference types with a finalizer and an instance <c>IntPtr</c> field,
    /// and the types derived from them.
    /// </summary>
    public static HashSet<TypeDefinition> OwnerTypes(ModuleDefinition module)
    {
        var owners = new HashSet<TypeDefinition>(module.GetTypes().Where(t => !t.IsValueType
            && t.Methods.Any(m => m.Name == "Finalize" && m.IsVirtual && m.HasBody)
            && t.Fields.Any(f => !f.IsStatic && f.FieldType.FullName == "System.IntPtr")));
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var type in module.GetTypes())
            {
                if (!owners.Contains(type) && Defined(type.BaseType) is TypeDefinition b && owners.Contains(b))
                {
                    grew |= owners.Add(type);
                }
            }
        }
        return owners;
    }

    /// <summary>Every method of <paramref name="module"/> with a body.</summary>
    public static IEnumerable<MethodDefinition> MethodsWithBodies(ModuleDefinition module) =>
        module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody);

    /// <summary>
    /// What <paramref name="method"/> keeps alive under the rule, or null when the rule leaves it alone (it neither calls
    /// a P/Invoke nor reads an owner's handle, or it has nothing to keep).
    /// </summary>
    public static KeptObjects? Kept(MethodDefinition method, HashSet<TypeDefinition> owners)
    {
        if (!method.HasBody) return null;
        var instructions = method.Body.Instructions;
        bool selected = instructions.Any(i => i.Operand is MethodDefinition d && (d.IsPInvokeImpl || IsHandleProducer(d, owners)))
            || instructions.Any(i => IsHandleRead(i, owners));
        if (!selected) return null;
        bool keepThis = method.HasThis && owners.Contains(method.DeclaringType);
        var parameters = method.Parameters.Where(p => Holds(p.ParameterType, owners)).ToList();
        var locals = method.Body.Variables.Where(v => Holds(v.VariableType, owners)).ToList();
        // A read whose receiver is `this` or a kept parameter that the method never reassigns needs no new local.
        var fixedParameters = parameters.Where(p => !instructions.Any(i => i.Operand == p
            && i.OpCode.Code is Code.Starg or Code.Starg_S or Code.Ldarga or Code.Ldarga_S)).ToHashSet();
        var reads = new List<Instruction>();
        for (int i = 0; i < instructions.Count; i++)
        {
            if (IsHandleRead(instructions[i], owners)
                && !(i > 0 && ((keepThis && IsThis(instructions[i - 1])) || LoadedParameter(method, instructions[i - 1]) is { } p && fixedParameters.Contains(p))))
            {
                reads.Add(instructions[i]);
            }
        }
        var spans = method.Parameters.Where(p => IsSpanOfOwners(p.ParameterType, owners)).ToList();
        var kept = new KeptObjects(keepThis, parameters, locals, reads, spans);
        return kept.Count == 0 ? null : kept;
    }

    /// <summary>The full names of the methods the rule changes in <paramref name="module"/>, in ordinal order.</summary>
    public static IReadOnlyList<string> SelectedMethods(ModuleDefinition module)
    {
        var owners = OwnerTypes(module);
        return MethodsWithBodies(module).Where(m => Kept(m, owners) is not null)
            .Select(m => m.FullName).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    /// <summary>The value of the patch marker of <paramref name="module"/>, or null when it is stock.</summary>
    public static string? Marker(ModuleDefinition module) =>
        module.Assembly.CustomAttributes
            .Where(a => a.AttributeType.FullName == "System.Reflection.AssemblyMetadataAttribute"
                && a.ConstructorArguments.Count == 2 && (string)a.ConstructorArguments[0].Value == MarkerKey)
            .Select(a => (string)a.ConstructorArguments[1].Value).FirstOrDefault();

    /// <summary>Applies the rule to <paramref name="module"/> in memory and marks the assembly.</summary>
    /// <exception cref="InvalidOperationException">The module is already patched, or a method has a tail call.</exception>
    public static LifetimePatchResult Patch(ModuleDefinition module)
    {
        if (Marker(module) is string existing)
        {
            throw new InvalidOperationException($"{module.FileName} is already patched ({existing})");
        }
        var owners = OwnerTypes(module);
        var gc = new TypeReference("System", "GC", module, module.TypeSystem.CoreLibrary);
        var keepAlive = new MethodReference("KeepAlive", module.TypeSystem.Void, gc) { HasThis = false };
        keepAlive.Parameters.Add(new ParameterDefinition(module.TypeSystem.Object));
        keepAlive = module.ImportReference(keepAlive);

        var methods = new List<string>();
        int kept = 0;
        foreach (var method in MethodsWithBodies(module).ToList())
        {
            if (Kept(method, owners) is not KeptObjects objects) continue;
            if (method.Body.Instructions.Any(i => i.OpCode.Code == Code.Tail))
            {
                throw new InvalidOperationException($"{method.FullName} has a tail call: the rule cannot keep objects alive after it");
            }
            PatchMethod(method, objects, keepAlive);
            methods.Add(method.FullName);
            kept += objects.Count;
        }
        methods.Sort(StringComparer.Ordinal);
        AddMarker(module, $"{methods.Count} methods keep their tensors and scalars alive across native calls");
        return new LifetimePatchResult(methods, kept);
    }

    /// <summary>
    /// Writes a patched copy of <paramref name="stock"/> to <paramref name="patched"/> (through a temporary file renamed
    /// over it, so a hard link at <paramref name="patched"/> is replaced, never written through). The stock file is only read.
    /// </summary>
    public static LifetimePatchResult PatchFile(string stock, string patched)
    {
        if (Path.GetFullPath(stock) == Path.GetFullPath(patched))
        {
            throw new InvalidOperationException("the patched copy must not replace the stock assembly");
        }
        LifetimePatchResult result;
        string temp = patched + ".patch-tmp";
        using (var module = ModuleDefinition.ReadModule(stock, new ReaderParameters { ReadingMode = ReadingMode.Immediate, InMemory = true }))
        {
            result = Patch(module);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(patched))!);
            module.Write(temp);
        }
        File.Move(temp, patched, overwrite: true);   // rename(2): replaces the name, not the data behind an old link
        return result;
    }

    /// <summary>True for a call of <c>System.GC::KeepAlive(object)</c>.</summary>
    public static bool IsKeepAlive(Instruction instruction) =>
        instruction.OpCode.Code == Code.Call && instruction.Operand is MethodReference method
        && method.Name == "KeepAlive" && method.DeclaringType.FullName == "System.GC";

    /// <summary>True when a value of <paramref name="type"/> is an owner or a reference-type container of owners.</summary>
    public static bool Holds(TypeReference type, HashSet<TypeDefinition> owners) =>
        !type.IsValueType && !type.IsByReference && !type.IsPointer && !type.IsGenericParameter && Contains(type, owners);

    private static bool Contains(TypeReference type, HashSet<TypeDefinition> owners) => type switch
    {
        ArrayType array => Contains(array.ElementType, owners),
        GenericInstanceType generic => generic.GenericArguments.Any(a => Contains(a, owners)),
        ByReferenceType or PointerType or GenericParameter => false,
        _ => Defined(type) is TypeDefinition d && owners.Contains(d),
    };

    /// <summary>The definition of <paramref name="type"/> when the module itself defines it (no assembly resolution).</summary>
    private static TypeDefinition? Defined(TypeReference? type) => type?.GetElementType() switch
    {
        TypeDefinition definition => definition,
        { Scope: ModuleDefinition } reference => reference.Resolve(),
        _ => null,
    };

    private static bool IsHandleRead(Instruction instruction, HashSet<TypeDefinition> owners) =>
        (instruction.OpCode.Code == Code.Call || instruction.OpCode.Code == Code.Callvirt)
        && instruction.Operand is MethodDefinition method && method.Name == "get_Handle" && method.HasThis
        && method.ReturnType.FullName == "System.IntPtr" && owners.Contains(method.DeclaringType);

    private static ParameterDefinition? LoadedParameter(MethodDefinition method, Instruction instruction)
    {
        int offset = method.HasThis ? 1 : 0;
        int index = instruction.OpCode.Code switch
        {
            Code.Ldarg_0 => 0, Code.Ldarg_1 => 1, Code.Ldarg_2 => 2, Code.Ldarg_3 => 3,
            Code.Ldarg or Code.Ldarg_S when instruction.Operand is ParameterDefinition p => p.Index + offset,
            _ => -1,
        } - offset;
        return index >= 0 && index < method.Parameters.Count ? method.Parameters[index] : null;
    }

    private static bool IsThis(Instruction instruction) =>
        instruction.OpCode.Code == Code.Ldarg_0 || (instruction.OpCode.Code is Code.Ldarg or Code.Ldarg_S
            && instruction.Operand is ParameterDefinition p && p.Index == -1);

    /// <summary>True for <c>ReadOnlySpan&lt;T&gt;</c> or <c>Span&lt;T&gt;</c> with T an owner or a container of owners.</summary>
    private static bool IsSpanOfOwners(TypeReference type, HashSet<TypeDefinition> owners) =>
        type is GenericInstanceType { ElementType.FullName: "System.ReadOnlySpan`1" or "System.Span`1" } span
        && Contains(span.GenericArguments[0], owners);

    /// <summary>
    /// A method of the module that turns owners into handles: it takes (or is called on) an owner or a container of owners
    /// and returns <c>IntPtr</c> or <c>IntPtr[]</c> (<c>get_Handle</c>, <c>ToHandleArray</c>). Its caller passes the handles on.
    /// </summary>
    private static bool IsHandleProducer(MethodDefinition method, HashSet<TypeDefinition> owners) =>
        method.ReturnType.FullName is "System.IntPtr" or "System.IntPtr[]"
        && ((method.HasThis && owners.Contains(method.DeclaringType))
            || method.Parameters.Any(p => Holds(p.ParameterType, owners) || IsSpanOfOwners(p.ParameterType, owners)));

    private static void PatchMethod(MethodDefinition method, KeptObjects kept, MethodReference keepAlive)
    {
        var body = method.Body;
        body.SimplifyMacros();
        var il = body.GetILProcessor();
        var loads = new List<Func<Instruction[]>>();
        if (kept.This) loads.Add(() => [Instruction.Create(OpCodes.Ldarg, body.ThisParameter)]);
        foreach (var parameter in kept.Parameters) loads.Add(() => [Instruction.Create(OpCodes.Ldarg, parameter)]);
        foreach (var local in kept.Locals) loads.Add(() => [Instruction.Create(OpCodes.Ldloc, local)]);
        foreach (var read in kept.Reads)
        {
            var local = new VariableDefinition(method.Module.ImportReference(((MethodReference)read.Operand).DeclaringType));
            body.Variables.Add(local);
            loads.Add(() => [Instruction.Create(OpCodes.Ldloc, local)]);
            // The read itself becomes the dup, so a branch that reached the read now reaches the dup.
            var call = Instruction.Create(read.OpCode, (MethodReference)read.Operand);
            read.OpCode = OpCodes.Dup;
            read.Operand = null!;
            var store = Instruction.Create(OpCodes.Stloc, local);
            il.InsertAfter(read, store);
            il.InsertAfter(store, call);
        }
        foreach (var span in kept.Spans)
        {
            // span.ToArray(): !0[] ReadOnlySpan`1<T>::ToArray(), read at the return, so the span (and the array or
            // stack memory behind it) stays reachable until then.
            var open = ((GenericInstanceType)span.ParameterType).ElementType;
            if (open.GenericParameters.Count == 0)
            {
                open.GenericParameters.Add(new GenericParameter("T", open));   // so that !0 can be written
            }
            var toArray = new MethodReference("ToArray", new ArrayType(open.GenericParameters[0]), span.ParameterType) { HasThis = true };
            loads.Add(() => [Instruction.Create(OpCodes.Ldarga, span), Instruction.Create(OpCodes.Call, toArray)]);
        }
        foreach (var ret in body.Instructions.Where(i => i.OpCode.Code == Code.Ret).ToList())
        {
            // Likewise the ret becomes the first load, so every branch to the ret passes through the KeepAlive calls
            // (and an exception handler that ended at the ret still ends before them).
            var sequence = loads.SelectMany(load => load().Append(Instruction.Create(OpCodes.Call, keepAlive))).ToList();
            ret.OpCode = sequence[0].OpCode;
            ret.Operand = sequence[0].Operand;
            var last = ret;
            foreach (var instruction in sequence.Skip(1).Append(Instruction.Create(OpCodes.Ret)))
            {
                il.InsertAfter(last, instruction);
                last = instruction;
            }
        }
        body.InitLocals = body.InitLocals || kept.Reads.Count > 0;
        body.OptimizeMacros();
    }

    private static void AddMarker(ModuleDefinition module, string value)
    {
        var attributeType = new TypeReference("System.Reflection", "AssemblyMetadataAttribute", module, module.TypeSystem.CoreLibrary);
        var constructor = new MethodReference(".ctor", module.TypeSystem.Void, attributeType) { HasThis = true };
        constructor.Parameters.Add(new ParameterDefinition(module.TypeSystem.String));
        constructor.Parameters.Add(new ParameterDefinition(module.TypeSystem.String));
        var attribute = new CustomAttribute(module.ImportReference(constructor));
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.String, MarkerKey));
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.String, value));
        module.Assembly.CustomAttributes.Add(attribute);
    }
}
