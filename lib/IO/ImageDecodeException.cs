namespace Diffusion.IO;

/// <summary>
/// An image file could not be read: it is truncated, corrupt, crafted, in an unsupported format or beyond
/// <see cref="ImageLimits"/>. The message names the file and says what was wrong.
/// </summary>
public sealed class ImageDecodeException : IOException
{
    /// <summary>Creates the exception for <paramref name="file"/> with the cause <paramref name="reason"/>.</summary>
    /// <param name="file">The file's path, or a name for in-memory data.</param>
    /// <param name="reason">What was wrong, e.g. "the PNG data ends early".</param>
    /// <param name="inner">The decoder's exception, if any.</param>
    public ImageDecodeException(string file, string reason, Exception? inner = null)
        : base($"cannot read the image '{file}': {reason}", inner)
    {
        File = file;
        Reason = reason;
    }

    /// <summary>The file's path (or the name given to in-memory data).</summary>
    public string File { get; }

    /// <summary>What was wrong with it.</summary>
    public string Reason { get; }
}
