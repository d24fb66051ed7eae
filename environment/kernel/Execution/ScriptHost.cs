using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using Diffusion.Kernel.References;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;

namespace Diffusion.Kernel.Execution;

/// <summary>
/// Runs cells with Roslyn scripting: the first cell with RunAsync, each later one continuing the previous
/// state, so variables, types and usings carry from cell to cell. Compile errors leave the state as it was;
/// runtime exceptions keep what the cell assigned before throwing.
/// </summary>
internal sealed class ScriptHost
{
    /// <summary>Namespaces every cell imports.</summary>
    public static readonly string[] DefaultImports =
        ["System", "System.Linq", "System.Collections.Generic", "System.IO", "System.Threading.Tasks"];

    private readonly KernelGlobals _globals;
    private readonly CellReferences _references;
    private readonly Lock _lock = new();
    private ScriptOptions _options;
    private ScriptState<object>? _state;
    private int _generation;

    /// <summary>
    /// Creates a host; <c>#r</c> and <c>#load</c> paths resolve relative to <paramref name="baseDirectory"/>, and
    /// <c>#r "nuget: ..."</c> packages are restored with <paramref name="packages"/> (by default into the user's cache).
    /// </summary>
    public ScriptHost(KernelGlobals globals, string baseDirectory, PackageRestorer? packages = null)
    {
        _globals = globals;
        _references = new CellReferences(baseDirectory, packages ?? new PackageRestorer(PackageRestorer.DefaultCacheRoot()));
        _options = ScriptOptions.Default
            .WithReferences(PlatformReferences().Append(MetadataReference.CreateFromFile(typeof(KernelGlobals).Assembly.Location)))
            .WithImports(DefaultImports)
            .WithMetadataResolver(_references.Resolver)
            .WithSourceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, baseDirectory))
            .WithFilePath(Path.Combine(baseDirectory, "cell.csx"))
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithAllowUnsafe(true)
            .WithLanguageVersion(LanguageVersion.Preview);
    }

    /// <summary>The scripting options (references, imports, resolvers); restored packages add references.</summary>
    public ScriptOptions Options
    {
        get
        {
            lock (_lock)
            {
                return _options;
            }
        }
    }

    /// <summary>Parse options of a cell.</summary>
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview, kind: SourceCodeKind.Script);

    /// <summary>The script state after the last successful cell (null before the first).</summary>
    public ScriptState<object>? State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>A script for <paramref name="code"/> continuing the current state.</summary>
    public Script<object> Continue(string code)
    {
        var state = State;
        return state is null
            ? CSharpScript.Create(code, Options, typeof(KernelGlobals))
            : state.Script.ContinueWith(code, Options);
    }

    /// <summary>Compiles and runs a trivial script so the first real cell is fast.</summary>
    public void WarmUp()
    {
        var script = CSharpScript.Create("var __warm = new List<int> { 1, 2 }.Select(x => x * 2).Sum(); __warm", Options, typeof(KernelGlobals));
        script.RunAsync(_globals).GetAwaiter().GetResult();
    }

    /// <summary>Forgets a cell that did not stop when interrupted: if it ever finishes, its state is ignored.</summary>
    public void Abandon()
    {
        lock (_lock)
        {
            _generation++;
        }
    }

    /// <summary>Compiles and runs one cell on the calling thread.</summary>
    public CellResult Run(string code, CancellationToken token)
    {
        var source = CellSource.Prepare(code, out var magicError);
        if (magicError is not null)
        {
            return new CellResult { Error = magicError };
        }
        var (withoutPackages, packageReferences, packageError) = _references.RestorePackages(source, ParseOptions, Console.Out, token);
        if (packageError is not null)
        {
            return new CellResult { Error = packageError };
        }
        if (packageReferences.Count > 0)
        {
            lock (_lock)
            {
                _options = _options.AddReferences(packageReferences);
            }
        }
        source = withoutPackages;
        int generation;
        ScriptState<object>? previous;
        lock (_lock)
        {
            generation = _generation;
            previous = _state;
        }

        // Compile the cell with interrupt checks in its loops; on errors, report the user's own text.
        var script = Continue(LoopInterruptRewriter.Rewrite(source, ParseOptions));
        if (HasErrors(script.Compile(token)))
        {
            script = Continue(source);
            var diagnostics = script.Compile(token);
            if (HasErrors(diagnostics))
            {
                return new CellResult { Error = CompileError(diagnostics) };
            }
        }

        ScriptState<object> state;
        try
        {
            state = previous is null
                ? script.RunAsync(_globals, _ => true, token).GetAwaiter().GetResult()
                : script.RunFromAsync(previous, _ => true, token).GetAwaiter().GetResult();
        }
        catch (CompilationErrorException e)
        {
            return new CellResult { Error = CompileError(e.Diagnostics) };
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return new CellResult { Error = Interrupted() };
        }
        lock (_lock)
        {
            if (generation == _generation)
            {
                _state = state;
            }
        }
        if (state.Exception is not null)
        {
            return new CellResult { Error = RuntimeError(state.Exception, token.IsCancellationRequested) };
        }
        return new CellResult { HasValue = EndsWithExpression(source) && state.ReturnValue is not null, Value = state.ReturnValue };
    }

    /// <summary>The error shown when a cell is interrupted.</summary>
    public static CellError Interrupted() =>
        new("KeyboardInterrupt", "The cell was interrupted.", ["KeyboardInterrupt: the cell was interrupted."]);

    private static bool HasErrors(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    private static bool EndsWithExpression(string source)
    {
        var root = CSharpSyntaxTree.ParseText(source, ParseOptions).GetCompilationUnitRoot();
        return root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }
            && statement.SemicolonToken.IsMissing;
    }

    /// <summary>Formats compile errors as "(line 3, col 5): error CS0103: ...".</summary>
    public static CellError CompileError(IEnumerable<Diagnostic> diagnostics)
    {
        var lines = diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d =>
            {
                var position = d.Location.GetLineSpan().StartLinePosition;
                var where = d.Location.IsInSource ? $"(line {position.Line + 1}, col {position.Character + 1}): " : "";
                return $"{where}error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            })
            .ToList();
        return new CellError("CompilationError", lines.FirstOrDefault() ?? "compilation failed", lines);
    }

    /// <summary>Formats a runtime exception: type and message, then the cell lines and methods it passed through.</summary>
    public static CellError RuntimeError(Exception exception, bool interrupted)
    {
        while (exception is TargetInvocationException { InnerException: { } inner })
        {
            exception = inner;
        }
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }
        if (interrupted && exception is OperationCanceledException)
        {
            return Interrupted();
        }
        var lines = new List<string> { $"{exception.GetType().FullName}: {exception.Message}" };
        lines.AddRange(Frames(exception));
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            lines.Add($" ---> {inner.GetType().FullName}: {inner.Message}");
            lines.AddRange(Frames(inner));
        }
        return new CellError(exception.GetType().Name, exception.Message, lines);
    }

    private static IEnumerable<string> Frames(Exception exception)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: true).GetFrames())
        {
            var method = frame.GetMethod();
            var type = method?.DeclaringType;
            if (method is null || type is null)
            {
                continue;
            }
            var typeName = type.FullName ?? type.Name;
            if (typeName.StartsWith("Submission#", StringComparison.Ordinal))
            {
                var line = frame.GetFileLineNumber();
                var column = frame.GetFileColumnNumber();
                var where = line > 0 ? $"(line {line}, col {Math.Max(column, 1)})" : "(line unknown)";
                var name = CellMemberName(type, method);
                yield return name is null ? $"   at cell {where}" : $"   at {name} in cell {where}";
                continue;
            }
            if (typeName.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal)
                || typeName.StartsWith("System.Runtime.ExceptionServices.", StringComparison.Ordinal)
                || typeName.StartsWith("System.Threading.", StringComparison.Ordinal)
                || typeName.StartsWith("Microsoft.CodeAnalysis.", StringComparison.Ordinal)
                || typeName.StartsWith("Diffusion.Kernel.", StringComparison.Ordinal))
            {
                continue;
            }
            var file = frame.GetFileName();
            yield return file is null
                ? $"   at {typeName}.{method.Name}"
                : $"   at {typeName}.{method.Name} in {Path.GetFileName(file)}:line {frame.GetFileLineNumber()}";
        }
    }

    private static string? CellMemberName(Type type, MethodBase method)
    {
        // Top-level code compiles to Submission#N.<Initialize> (an async state machine); user types nest in it.
        var parts = (type.FullName ?? type.Name).Split('+').Skip(1).Where(p => !p.StartsWith('<')).ToList();
        var methodName = method.Name;
        if (methodName == "MoveNext" && type.Name.StartsWith('<'))
        {
            var end = type.Name.IndexOf('>', 1);
            methodName = end > 1 ? type.Name[1..end].TrimStart('<') : methodName;
        }
        if (methodName.StartsWith('<'))
        {
            // Local functions and lambdas: <Outer>g__Local|0_0 -> Local.
            var g = methodName.IndexOf(">g__", StringComparison.Ordinal);
            methodName = g >= 0 ? methodName[(g + 4)..].Split('|')[0] : "lambda";
        }
        if (methodName is "<Initialize>" or "Initialize" && parts.Count == 0)
        {
            return null;
        }
        return parts.Count == 0 ? methodName : $"{string.Join('.', parts)}.{methodName}";
    }

    private static IEnumerable<MetadataReference> PlatformReferences()
    {
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator);
        return tpa
            .Where(p => p.Length > 0 && string.Equals(Path.GetDirectoryName(p), frameworkDir, StringComparison.Ordinal))
            .Where(p => !Path.GetFileName(p).StartsWith("Microsoft.VisualBasic", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
    }
}
