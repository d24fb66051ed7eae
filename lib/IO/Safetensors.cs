using System.Buffers.Binary;
using System.Text.Json;
using Diffusion.Engine;
using static TorchSharp.torch;

namespace Diffusion.IO;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length N,
/// N bytes of JSON <c>{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {..}}</c>,
/// then the raw little-endian tensor data, offsets counted from the end of the header.
/// </summary>
/// <remarks>
/// The writer sorts tensors by name, lays their data out in that order with no gaps and pads the header
/// with spaces to a multiple of 8 bytes, as the reference writer does; it writes atomically
/// (<see cref="AtomicFile"/>) and any tensor layout (a view, channels-last strides, a GPU tensor) is stored row-major.
/// Dtypes: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL.
/// The reader checks every length, offset, dtype and shape before it reads any data and throws
/// <see cref="InvalidDataException"/> naming the file and the tensor key, so a truncated or damaged file never
/// becomes a tensor of garbage.
/// <para>
/// Why our own and not TorchSharp.PyBridge's (the product card's checkpoint package, which reads and writes safetensors and
/// PyTorch <c>.pth</c> state dicts): PyBridge 1.4.4's safetensors writer cannot write the <c>__metadata__</c> map that the
/// course's checkpoints depend on (<c>format</c>, <c>step</c>, <c>config</c>, <c>crc32</c>), and its reader does not
/// validate truncated or damaged files. The files stay the standard format: <c>safetensors.torch.load_file</c> and
/// PyBridge read what this class writes.
/// </para>
/// </remarks>
public static class Safetensors
{
    /// <summary>The key of the free-form string map in the header.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Headers above this size are refused (the reference reader's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Writes <paramref name="tensors"/> (and optional string <paramref name="metadata"/>) to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var entries = new List<SafetensorsEntry>(names.Length);
        long offset = 0;
        foreach (string name in names)
        {
            if (name == MetadataKey)
            {
                throw new ArgumentException($"'{MetadataKey}' is reserved for metadata and cannot name a tensor", nameof(tensors));
            }
            var t = tensors[name] ?? throw new ArgumentException($"tensor '{name}' is null", nameof(tensors));
            if (t.IsInvalid)
            {
                throw new ArgumentException($"tensor '{name}' has been disposed", nameof(tensors));
            }
            var dtype = t.dtype;
            long bytes = t.numel() * SafetensorsDTypes.ElementSize(dtype);
            entries.Add(new SafetensorsEntry(name, dtype, t.shape, offset, offset + bytes));
            offset += bytes;
        }
        byte[] header = HeaderBytes(entries, metadata);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var e in entries)
            {
                TensorBytes.Write(stream, tensors[e.Name]);
            }
        });
    }

    /// <summary>
    /// Loads every tensor of a safetensors file onto the CPU. The caller owns the tensors (they join the caller's dispose scope,
    /// if one is open).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is truncated or its header is malformed or inconsistent; the message names the file and key.</exception>
    public static Dictionary<string, Tensor> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        var header = ReadHeader(stream, path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var e in header.Tensors.OrderBy(e => e.Begin))
            {
                stream.Position = header.DataStart + e.Begin;
                result.Add(e.Name, TensorBytes.Read(stream, e.DType, e.Shape, e.ByteCount));
            }
        }
        catch (EndOfStreamException ex)
        {
            Dispose(result);
            throw new InvalidDataException($"{path}: truncated while reading the data ({ex.Message})", ex);
        }
        catch
        {
            Dispose(result);
            throw;
        }
        return header.Tensors.ToDictionary(e => e.Name, e => result[e.Name], StringComparer.Ordinal);
    }

    /// <summary>Reads only the header: names, dtypes, shapes, offsets and metadata (no tensor data is read).</summary>
    /// <exception cref="InvalidDataException">The file is truncated or its header is malformed or inconsistent; the message names the file and key.</exception>
    public static SafetensorsHeader ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        return ReadHeader(stream, path);
    }

    /// <summary>The <c>__metadata__</c> string map of a file (empty when it has none).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => ReadHeader(path).Metadata;

    private static SafetensorsHeader ReadHeader(FileStream stream, string path)
    {
        long fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        int got = stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
        long n = CheckPrefix(prefix[..got], fileLength, path);
        var json = new byte[n];
        stream.ReadExactly(json);
        return ParseHeader(json, fileLength - 8 - n, path);
    }

    private static void Dispose(Dictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
    }

    /// <summary>Validates the 8-byte length prefix against the file size; returns the header length.</summary>
    private static long CheckPrefix(ReadOnlySpan<byte> prefix, long fileLength, string path)
    {
        if (prefix.Length < 8)
        {
            throw new InvalidDataException($"{path}: truncated safetensors file: {fileLength} bytes, fewer than the 8-byte header length");
        }
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > (ulong)(fileLength - 8))
        {
            throw new InvalidDataException($"{path}: header length {n} runs past the end of the file ({fileLength} bytes, so at most {fileLength - 8})");
        }
        if (n > MaxHeaderLength)
        {
            throw new InvalidDataException($"{path}: header length {n} exceeds the {MaxHeaderLength}-byte limit");
        }
        if (n < 2)
        {
            throw new InvalidDataException($"{path}: header length {n} is too short for a JSON object");
        }
        return (long)n;
    }

    private static SafetensorsHeader ParseHeader(byte[] json, long dataLength, string path)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw new InvalidDataException($"{path}: the header is not valid JSON: it is not UTF-8 text");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the header is not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: the header must be a JSON object, not {doc.RootElement.ValueKind}");
            }
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new InvalidDataException($"{path}: the header lists '{property.Name}' twice");
                }
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, path);
                    continue;
                }
                entries.Add(ReadEntry(property.Name, property.Value, dataLength, path));
            }
            CheckNoOverlap(entries, path);
            entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return new SafetensorsHeader(entries, metadata, 8 + json.Length);
        }
    }

    /// <summary>Two tensors must not share bytes (empty tensors may sit anywhere).</summary>
    private static void CheckNoOverlap(List<SafetensorsEntry> entries, string path)
    {
        SafetensorsEntry? previous = null;
        foreach (var e in entries.Where(e => e.ByteCount > 0).OrderBy(e => e.Begin))
        {
            if (previous is not null && e.Begin < previous.End)
            {
                throw new InvalidDataException($"{path}: tensor '{e.Name}' (bytes [{e.Begin}, {e.End})) overlaps tensor '{previous.Name}' (bytes [{previous.Begin}, {previous.End}))");
            }
            previous = e;
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path}: '{MetadataKey}' must be an object of strings, not {value.ValueKind}");
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"{path}: metadata '{item.Name}' must be a string, not {item.Value.ValueKind}");
            }
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ReadEntry(string key, JsonElement value, long dataLength, string path)
    {
        string where = $"{path}: tensor '{key}'";
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{where}: its header entry must be an object, not {value.ValueKind}");
        }
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException($"{where}: missing string 'dtype'");
        }
        string code = dtypeElement.GetString()!;
        if (!SafetensorsDTypes.TryParse(code, out var dtype))
        {
            throw new InvalidDataException($"{where}: unknown or unsupported dtype '{code}' (supported: {string.Join(", ", SafetensorsDTypes.Supported)})");
        }
        long[] shape = ReadInts(value, "shape", where, count: null);
        long[] offsets = ReadInts(value, "data_offsets", where, count: 2);
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > dataLength)
        {
            throw new InvalidDataException($"{where}: data_offsets [{begin}, {end}] lie outside the data section of {dataLength} bytes");
        }
        long numel = 1;
        try
        {
            foreach (long s in shape)
            {
                numel = checked(numel * s);
            }
            long need = checked(numel * SafetensorsDTypes.ElementSize(dtype));
            if (need != end - begin)
            {
                throw new InvalidDataException($"{where}: shape {Shapes.Format(shape)} of {code} needs {need} bytes but data_offsets [{begin}, {end}] hold {end - begin}");
            }
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{where}: shape {Shapes.Format(shape)} is too large");
        }
        return new SafetensorsEntry(key, dtype, shape, begin, end);
    }

    private static long[] ReadInts(JsonElement value, string name, string where, int? count)
    {
        if (!value.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{where}: missing array '{name}'");
        }
        var result = new long[array.GetArrayLength()];
        if (count is int c && result.Length != c)
        {
            throw new InvalidDataException($"{where}: '{name}' must hold {c} numbers, not {result.Length}");
        }
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
            {
                throw new InvalidDataException($"{where}: '{name}' must hold non-negative integers, found {item.GetRawText()}");
            }
            result[i++] = v;
        }
        return result;
    }

    private static byte[] HeaderBytes(List<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteString(k, v);
                }
                w.WriteEndObject();
            }
            foreach (var e in entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.DTypeCode);
                w.WriteStartArray("shape");
                foreach (long s in e.Shape)
                {
                    w.WriteNumberValue(s);
                }
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(e.Begin);
                w.WriteNumberValue(e.End);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        int length = (int)buffer.Length;
        int padded = (length + 7) / 8 * 8;
        var result = new byte[padded];
        buffer.GetBuffer().AsSpan(0, length).CopyTo(result);
        result.AsSpan(length).Fill((byte)' ');
        return result;
    }
}
