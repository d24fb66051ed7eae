using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffusion.Kernel.Protocol;

/// <summary>A message that cannot be decoded: no delimiter, too few frames, bad JSON.</summary>
internal sealed class ProtocolException(string message) : Exception(message);

/// <summary>A message whose HMAC signature does not match: it is rejected.</summary>
internal sealed class InvalidSignatureException(string message) : Exception(message);

/// <summary>
/// Framing of Jupyter messages on ZeroMQ: <c>[identities...] &lt;IDS|MSG&gt; signature header parent_header
/// metadata content [buffers...]</c>, JSON in UTF-8.
/// </summary>
internal static class WireFormat
{
    /// <summary>The delimiter frame between routing identities and the message.</summary>
    public static readonly byte[] Delimiter = "<IDS|MSG>"u8.ToArray();

    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serializes a JSON object to compact UTF-8.</summary>
    public static byte[] ToUtf8(JsonObject value) => JsonSerializer.SerializeToUtf8Bytes(value, Json);

    /// <summary>Encodes and signs a message into frames.</summary>
    public static List<byte[]> Encode(JupyterMessage message, MessageSigner signer)
    {
        var parts = new[]
        {
            ToUtf8(message.Header), ToUtf8(message.ParentHeader), ToUtf8(message.Metadata), ToUtf8(message.Content),
        };
        var frames = new List<byte[]>(message.Identities.Count + 6 + message.Buffers.Count);
        frames.AddRange(message.Identities);
        frames.Add(Delimiter);
        frames.Add(Encoding.ASCII.GetBytes(signer.Sign(parts)));
        frames.AddRange(parts);
        frames.AddRange(message.Buffers);
        return frames;
    }

    /// <summary>Decodes frames into a message, verifying the signature.</summary>
    /// <exception cref="ProtocolException">Malformed framing or JSON.</exception>
    /// <exception cref="InvalidSignatureException">The signature does not match.</exception>
    public static JupyterMessage Decode(IReadOnlyList<byte[]> frames, MessageSigner signer)
    {
        var delimiter = -1;
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames[i].AsSpan().SequenceEqual(Delimiter))
            {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0)
        {
            throw new ProtocolException("Message without the <IDS|MSG> delimiter.");
        }
        if (frames.Count < delimiter + 6)
        {
            throw new ProtocolException($"Message with {frames.Count - delimiter - 1} frames after the delimiter (need 5).");
        }
        var signature = Encoding.ASCII.GetString(frames[delimiter + 1]);
        var parts = new[] { frames[delimiter + 2], frames[delimiter + 3], frames[delimiter + 4], frames[delimiter + 5] };
        if (!signer.Verify(signature, parts))
        {
            throw new InvalidSignatureException("Message signature does not match (rejected).");
        }
        return new JupyterMessage
        {
            Identities = frames.Take(delimiter).ToList(),
            Header = ParseObject(parts[0], "header"),
            ParentHeader = ParseObject(parts[1], "parent_header"),
            Metadata = ParseObject(parts[2], "metadata"),
            Content = ParseObject(parts[3], "content"),
            Buffers = frames.Skip(delimiter + 6).ToList(),
        };
    }

    private static JsonObject ParseObject(byte[] utf8, string what)
    {
        try
        {
            return JsonNode.Parse(utf8) as JsonObject ?? [];
        }
        catch (JsonException e)
        {
            throw new ProtocolException($"Invalid JSON in {what}: {e.Message}");
        }
    }
}
