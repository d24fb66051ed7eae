using Diffusion.Kernel.Execution;
using Diffusion.Kernel.Protocol;

namespace Diffusion.Tests.Kernel;

public class CellTextTests
{
    [Fact]
    public void Prepare_BlanksCSharpMagicAndKeepsLineNumbers()
    {
        var code = CellSource.Prepare("#!csharp\nvar x = 1;", out var error);
        Assert.Null(error);
        Assert.Equal("\nvar x = 1;", code);
    }

    [Theory]
    [InlineData("%time 1+1")]
    [InlineData("#!fsharp\nlet x = 1")]
    [InlineData("var x = 1;\n%%timeit")]
    public void Prepare_RefusesOtherMagics(string code)
    {
        CellSource.Prepare(code, out var error);
        Assert.NotNull(error);
        Assert.Contains("not supported", error!.Value);
    }

    [Fact]
    public void Prepare_LeavesModuloAndDirectivesAlone()
    {
        CellSource.Prepare("var r = 7\n% 3;\n#r \"x.dll\"", out var error);
        Assert.Null(error);
    }

    [Fact]
    public void LoopRewriter_InsertsChecksWithoutMovingLines()
    {
        const string code = "var n = 0;\nwhile (true)\n    n++;\nfor (;;) { n--; }";
        var rewritten = LoopInterruptRewriter.Rewrite(code, ScriptHost.ParseOptions);
        Assert.Equal(code.Split('\n').Length, rewritten.Split('\n').Length);
        Assert.Equal(2, rewritten.Split("Interrupt.Check()").Length - 1);
    }

    [Theory]
    [InlineData("1 + 1", "complete")]
    [InlineData("if (true) {", "incomplete")]
    [InlineData("var = ;", "invalid")]
    public void IsComplete_ClassifiesSubmissions(string code, string status)
    {
        Assert.Equal(status, CodeAssist.IsComplete(code).Status);
    }

    [Fact]
    public void TextPositions_CountCodePointsNotUtf16Units()
    {
        const string text = "a🌍b";
        Assert.Equal(3, TextPositions.ToUtf16(text, 2));
        Assert.Equal(2, TextPositions.ToCodePoints(text, 3));
        Assert.Equal(3, TextPositions.ToCodePoints(text, text.Length));
    }

    [Theory]
    [InlineData("?Math.Sqrt", "Math.Sqrt")]
    [InlineData("  Console.WriteLine? ", "Console.WriteLine")]
    [InlineData("? x", "x")]
    public void IsHelpRequest_RecognisesQuestionMarkBeforeOrAfterAName(string code, string name)
    {
        Assert.True(CellSource.IsHelpRequest(code, out var found));
        Assert.Equal(name, found);
    }

    [Theory]
    [InlineData("x ? 1 : 2")]
    [InlineData("int? y = null;")]
    [InlineData("?Math.Sqrt\n1")]
    [InlineData("a?.b")]
    public void IsHelpRequest_LeavesCodeAlone(string code)
    {
        Assert.False(CellSource.IsHelpRequest(code, out _));
    }
}
