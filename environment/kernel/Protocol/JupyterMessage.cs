using System.Globalization;
using System.Text.Json.Nodes;

namespace Diffusion.Kernel.Protocol;

/// <summary>
/// One Jupyter message: routing identities, header, parent header, metadata, content and binary buffers.
/// </summary>
internal sealed class JupyterMessage
{
    /// <summary>The protocol version this kernel speaks.</summary>
    public const string ProtocolVersion = "5.3";

    /// <summary>ROUTER identities (shell/control/stdin) or the topic (iopub) that precede the delimiter.</summary>
    public List<byte[]> Identities { get; init; } = [];

    /// <summary>msg_id, session, username, date, msg_type, version.</summary>
    public JsonObject Header { get; init; } = [];

    /// <summary>The header of the request this message answers (empty for none).</summary>
    public JsonObject ParentHeader { get; init; } = [];

    /// <summary>Free-form metadata.</summary>
    public JsonObject Metadata { get; init; } = [];

    /// <summary>The message body.</summary>
    public JsonObject Content { get; init; } = [];

    /// <summary>Extra binary frames after the content.</summary>
    public List<byte[]> Buffers { get; init; } = [];

    /// <summary>The header's msg_type.</summary>
    public string MsgType => Header["msg_type"]?.GetValue<string>() ?? "";

    /// <summary>The header's msg_id.</summary>
    public string MsgId => Header["msg_id"]?.GetValue<string>() ?? "";

    /// <summary>Creates a new message of a type, answering <paramref name="parent"/> (null for none).</summary>
    public static JupyterMessage Create(string msgType, JsonObject content, JupyterMessage? parent, string session,
        IEnumerable<byte[]>? identities = null)
    {
        var header = new JsonObject
        {
            ["msg_id"] = Guid.NewGuid().ToString("N"),
            ["session"] = session,
            ["username"] = parent?.Header["username"]?.GetValue<string>() ?? "kernel",
            ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            ["msg_type"] = msgType,
            ["version"] = ProtocolVersion,
        };
        return new JupyterMessage
        {
            Identities = identities?.ToList() ?? parent?.Identities ?? [],
            Header = header,
            ParentHeader = parent is null ? [] : (JsonObject)parent.Header.DeepClone(),
            Content = content,
        };
    }
}
