namespace Diffusion.Tensors;

/// <summary>
/// An error reported by libtorch (or by the shim around it), carried across the native boundary as a
/// message: the operation that failed, the shapes of its tensor operands and libtorch's own text.
/// </summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with a complete message.</summary>
    public TorchException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a complete message and the exception that caused it.</summary>
    public TorchException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>The libtorch message alone, without the operation and shapes prefix.</summary>
    public string NativeMessage { get; init; } = "";

    /// <summary>The name of the operation that failed (e.g. <c>matmul</c>).</summary>
    public string Operation { get; init; } = "";

    /// <summary>Builds the exception from the shim's thread-local error, naming the operation and operand shapes.</summary>
    internal static TorchException FromLastError(string operation, ReadOnlySpan<Tensor?> operands)
    {
        string native = NativeMethods.LastError();
        var shapes = new List<string>();
        foreach (var t in operands)
        {
            if (t is not null)
            {
                shapes.Add(Tensor.FormatShape(t.Shape));
            }
        }

        string message = shapes.Count switch
        {
            0 => $"{operation} failed: {native}",
            1 => $"{operation} failed for a tensor of shape {shapes[0]}: {native}",
            _ => $"{operation} failed for shapes {string.Join(" and ", shapes)}: {native}",
        };
        return new TorchException(message) { NativeMessage = native, Operation = operation };
    }
}
