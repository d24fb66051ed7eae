using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diffusion.Kernel.Execution;

/// <summary>
/// Puts a call to <see cref="Interrupt.Check"/> at the start of every loop body of a cell, on the same line,
/// so interrupting stops loops that never look at the token. Line numbers are kept (stack traces stay right).
/// </summary>
internal sealed class LoopInterruptRewriter : CSharpSyntaxRewriter
{
    private static readonly StatementSyntax CheckCall =
        SyntaxFactory.ParseStatement("global::Diffusion.Kernel.Execution.Interrupt.Check();");

    /// <summary>The cell's text with loop checks inserted (unchanged when it has no loops).</summary>
    public static string Rewrite(string code, CSharpParseOptions options)
    {
        var tree = CSharpSyntaxTree.ParseText(code, options);
        var root = tree.GetRoot();
        if (!root.DescendantNodes().Any(n => n is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax))
        {
            return code;
        }
        return new LoopInterruptRewriter().Visit(root).ToFullString();
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var visited = (ForStatementSyntax)base.VisitForStatement(node)!;
        return visited.WithStatement(Guard(visited.Statement));
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var visited = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return visited.WithStatement(Guard(visited.Statement));
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return visited.WithStatement(Guard(visited.Statement));
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var visited = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return visited.WithStatement(Guard(visited.Statement));
    }

    private static StatementSyntax Guard(StatementSyntax body)
    {
        if (body is BlockSyntax block)
        {
            return block.WithStatements(block.Statements.Insert(0, CheckCall));
        }
        // A single statement: wrap it in braces without adding line breaks.
        return SyntaxFactory.Block(CheckCall, body.WithoutLeadingTrivia())
            .WithLeadingTrivia(body.GetLeadingTrivia())
            .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken))
            .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken));
    }
}
