namespace Diffusion.Kernel.Execution;

/// <summary>What running a cell produced: a value to show, nothing, or an error.</summary>
internal sealed record CellResult
{
    /// <summary>True when the cell ended with an expression whose value should be shown.</summary>
    public bool HasValue { get; init; }

    /// <summary>The value of the trailing expression.</summary>
    public object? Value { get; init; }

    /// <summary>The error, when the cell failed.</summary>
    public CellError? Error { get; init; }
}

/// <summary>A failed cell as Jupyter shows it: ename, evalue, traceback lines.</summary>
internal sealed record CellError(string Name, string Value, IReadOnlyList<string> Traceback);
