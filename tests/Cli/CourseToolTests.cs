using System.CommandLine;
using Diffusion.Cli;

namespace Diffusion.Tests.Cli;

/// <summary>The course tool's command line: every command answers --help, and a bad command line is one line on stderr and exit 2.</summary>
public sealed class CourseToolTests
{
    public static TheoryData<string> Commands() =>
        ["", "setup", "train", "sample", "evaluate", "evaluate cold", "evaluate inverse", "evaluate sde", "train-fid", "kernel", "kernel install", "doctor"];

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryCommand_AnswersHelp(string command)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args = [.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"];
        Assert.Equal(0, CourseTool.Run(args, output, error));
        Assert.Equal("", error.ToString());
        Assert.Contains("Usage:", output.ToString());
        Assert.Contains("--help", output.ToString());
    }

    [Theory]
    [InlineData("sample --model m --sampler ddim-50", "write ddim:50")]
    [InlineData("sample --model m --sampler heun:10", "a sampler is kind:steps")]
    [InlineData("sample --sampler ddim:50", "--model")]
    [InlineData("train --steps x", "--steps takes an integer, not 'x'")]
    [InlineData("train --steps 0", "--steps must be at least 1")]
    [InlineData("train --ema 1.5", "--ema must lie in (0, 1]")]
    [InlineData("train-fid --data cifar", "'cifar'")]
    [InlineData("train-fid --threads 0", "--threads must lie in 1 … 1024")]
    [InlineData("evaluate sde --samples 5000", "--samples must lie in 2 … 1000")]
    [InlineData("evaluate sde --sampler pc:100,ode:0", "ode takes a positive tolerance")]
    [InlineData("evaluate inverse --methods dps,magic", "unknown method 'magic'")]
    [InlineData("evaluate", "Required command was not provided")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("train --config no-such-config", "no-such-config")]
    public void ABadCommandLine_IsOneLineAndExitTwo(string command, string expected)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CourseTool.Run(command.Split(' '), output, error);
        Assert.Equal(2, code);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(expected, lines[0]);
        Assert.StartsWith("diffusion", lines[0]);
    }

    /// <summary>The one sampler spelling reaches the command as its canonical name and options.</summary>
    [Fact]
    public void TheSamplerOption_ReadsKindColonValue()
    {
        var option = CliOptions.Samplers("samplers");
        var command = new RootCommand { option };
        var result = command.Parse(["--sampler", "ddim:50,pc:100", "--sampler", "ode:1e-3"]);
        Assert.Empty(result.Errors);
        var samplers = result.GetValue(option)!;
        Assert.Equal(["ddim:50", "pc:100", "ode:0.001"], samplers.Select(s => s.Name));
        Assert.Equal(50, samplers[0].Options.Steps);
        Assert.Equal(1e-3, samplers[2].Options.Tolerance);
    }
}
