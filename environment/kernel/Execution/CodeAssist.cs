using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diffusion.Kernel.Execution;

/// <summary>Completions, completeness checks and inspection for the front end, using the script state.</summary>
internal sealed class CodeAssist(ScriptHost host)
{
    private static readonly string[] Keywords =
    [
        "abstract", "as", "async", "await", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class",
        "const", "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit",
        "extern", "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int",
        "interface", "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out",
        "override", "params", "private", "protected", "public", "readonly", "record", "ref", "return", "sbyte",
        "sealed", "short", "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true",
        "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "var", "virtual", "void",
        "volatile", "while", "yield",
    ];

    /// <summary>Jupyter's is_complete: "complete", "incomplete" (with an indent) or "invalid".</summary>
    public static (string Status, string Indent) IsComplete(string code)
    {
        var source = CellSource.Prepare(code, out var magicError);
        if (magicError is not null)
        {
            return ("invalid", "");
        }
        var tree = CSharpSyntaxTree.ParseText(source, ScriptHost.ParseOptions);
        if (!SyntaxFactory.IsCompleteSubmission(tree))
        {
            return ("incomplete", Indent(source));
        }
        return tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error) ? ("invalid", "") : ("complete", "");
    }

    private static string Indent(string code)
    {
        var last = code.Split('\n').LastOrDefault(l => l.Trim().Length > 0) ?? "";
        var indent = last[..(last.Length - last.TrimStart().Length)];
        return last.TrimEnd().EndsWith('{') || last.TrimEnd().EndsWith('(') ? indent + "    " : indent;
    }

    /// <summary>Names that complete the identifier before <paramref name="cursor"/> (a UTF-16 offset).</summary>
    public (List<string> Matches, int Start, int End) Complete(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        var start = cursor;
        while (start > 0 && (char.IsLetterOrDigit(code[start - 1]) || code[start - 1] == '_'))
        {
            start--;
        }
        var end = cursor;
        while (end < code.Length && (char.IsLetterOrDigit(code[end]) || code[end] == '_'))
        {
            end++;
        }
        var prefix = code[start..cursor];
        var source = CellSource.Prepare(code, out _);
        var compilation = host.Continue(source).GetCompilation();
        var tree = compilation.SyntaxTrees.Last();
        var model = compilation.GetSemanticModel(tree);
        IEnumerable<ISymbol> symbols;
        var keywords = Enumerable.Empty<string>();
        var dot = start - 1;
        while (dot >= 0 && char.IsWhiteSpace(code[dot]) && code[dot] != '\n')
        {
            dot--;
        }
        if (dot >= 0 && code[dot] == '.')
        {
            symbols = MemberSymbols(tree.GetRoot().FindToken(dot), model, start);
        }
        else
        {
            symbols = model.LookupSymbols(start);
            keywords = Keywords;
        }
        var matches = symbols
            .Where(s => s.CanBeReferencedByName || s is INamespaceSymbol)
            .Select(s => s.Name)
            .Concat(keywords)
            .Where(n => n.Length > 0 && !n.Contains('<') && !n.Contains('#') && n.StartsWith(prefix, StringComparison.Ordinal))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        return (matches, start, end);
    }

    private static IEnumerable<ISymbol> MemberSymbols(SyntaxToken dotToken, SemanticModel model, int position)
    {
        ExpressionSyntax? expression = dotToken.Parent switch
        {
            MemberAccessExpressionSyntax access => access.Expression,
            QualifiedNameSyntax qualified => qualified.Left,
            _ => null,
        };
        if (expression is null)
        {
            return [];
        }
        var symbol = model.GetSymbolInfo(expression).Symbol;
        if (symbol is INamespaceOrTypeSymbol container)
        {
            return container is INamespaceSymbol
                ? model.LookupNamespacesAndTypes(position, container)
                : model.LookupStaticMembers(position, container);
        }
        var type = model.GetTypeInfo(expression).Type;
        return type is null ? [] : model.LookupSymbols(position, type, includeReducedExtensionMethods: true).Where(s => !s.IsStatic || s is IMethodSymbol { MethodKind: MethodKind.ReducedExtension });
    }

    /// <summary>A short description of the symbol at <paramref name="cursor"/>, or null.</summary>
    public string? Inspect(string code, int cursor)
    {
        var source = CellSource.Prepare(code, out _);
        var compilation = host.Continue(source).GetCompilation();
        var tree = compilation.SyntaxTrees.Last();
        var model = compilation.GetSemanticModel(tree);
        var position = Math.Clamp(cursor > 0 ? cursor - 1 : 0, 0, Math.Max(source.Length - 1, 0));
        var token = tree.GetRoot().FindToken(position);
        for (var node = token.Parent; node is not null; node = node.Parent)
        {
            var info = model.GetSymbolInfo(node);
            var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault() ?? model.GetDeclaredSymbol(node);
            if (symbol is not null)
            {
                var text = symbol.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
                var type = model.GetTypeInfo(node).Type;
                var docs = symbol.GetDocumentationCommentXml();
                return type is not null && symbol is not ITypeSymbol ? $"{text}\ntype: {type.ToDisplayString()}{Docs(docs)}" : text + Docs(docs);
            }
        }
        return null;
    }

    private static string Docs(string? xml) =>
        string.IsNullOrWhiteSpace(xml) ? "" : "\n" + System.Text.RegularExpressions.Regex.Replace(xml, "<[^>]+>", "").Trim();
}
