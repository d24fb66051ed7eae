namespace Diffusion.IO;

/// <summary>
/// Writes files so that a reader sees either the old file or the complete new one, never a half-written one.
/// </summary>
/// <remarks>
/// The data goes to a temporary file in the target's folder (same file system, so the rename is atomic),
/// is flushed to disk (<c>fsync</c>), and the temporary file is then renamed over the target. If the writer
/// throws, the temporary file is deleted and the target is left as it was. (The folder entry itself is not
/// fsynced: after a power loss the rename may be lost, leaving the old file, never a torn one.)
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="data"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> data)
    {
        string full = Path.GetFullPath(path);
        string temp = TempPathFor(full);
        try
        {
            using (var stream = OpenTemp(temp))
            {
                stream.Write(data);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// Lets <paramref name="write"/> fill a stream, then replaces <paramref name="path"/> with what it wrote.
    /// If <paramref name="write"/> throws, <paramref name="path"/> is untouched and the exception propagates.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string temp = TempPathFor(full);
        try
        {
            using (var stream = OpenTemp(temp))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A fresh temporary name beside <paramref name="fullPath"/>: <c>.name.random.tmp</c>.</summary>
    private static string TempPathFor(string fullPath)
    {
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{fullPath}' has no folder", nameof(fullPath));
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"cannot write '{fullPath}': the folder '{folder}' does not exist");
        }
        return Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
    }

    private static FileStream OpenTemp(string temp) =>
        new(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // best effort: the exception that got us here matters more
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
