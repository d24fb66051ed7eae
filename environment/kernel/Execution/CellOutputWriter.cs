using System.Text;

namespace Diffusion.Kernel.Execution;

/// <summary>
/// A <see cref="TextWriter"/> standing in for Console.Out or Console.Error: it buffers text and sends it
/// as a Jupyter stream message when flushed (at the end of a cell, before any other output, and
/// periodically by the kernel for long cells).
/// </summary>
internal sealed class CellOutputWriter(string name, Action<string, string> send) : TextWriter
{
    private const int FlushThreshold = 1 << 20;
    private readonly StringBuilder _buffer = new();
    private readonly Lock _lock = new();

    /// <inheritdoc/>
    public override Encoding Encoding => Encoding.UTF8;

    /// <inheritdoc/>
    public override void Write(char value)
    {
        lock (_lock)
        {
            _buffer.Append(value);
        }
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        bool full;
        lock (_lock)
        {
            _buffer.Append(value);
            full = _buffer.Length >= FlushThreshold;
        }
        if (full)
        {
            Flush();
        }
    }

    /// <inheritdoc/>
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <inheritdoc/>
    public override void WriteLine(string? value) => Write(value + NewLine);

    /// <summary>Sends what is buffered as one stream message.</summary>
    public override void Flush()
    {
        string text;
        lock (_lock)
        {
            if (_buffer.Length == 0)
            {
                return;
            }
            text = _buffer.ToString();
            _buffer.Clear();
        }
        send(name, text);
    }
}
