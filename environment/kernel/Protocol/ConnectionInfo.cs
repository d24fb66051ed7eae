using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffusion.Kernel.Protocol;

/// <summary>The connection file Jupyter writes for a kernel: transport, address, five ports and the signing key.</summary>
internal sealed record ConnectionInfo
{
    /// <summary>"tcp" or "ipc".</summary>
    [JsonPropertyName("transport")]
    public string Transport { get; init; } = "tcp";

    /// <summary>The address (an IP for tcp, a path prefix for ipc).</summary>
    [JsonPropertyName("ip")]
    public string Ip { get; init; } = "127.0.0.1";

    /// <summary>Shell ROUTER port.</summary>
    [JsonPropertyName("shell_port")]
    public int ShellPort { get; init; }

    /// <summary>Control ROUTER port.</summary>
    [JsonPropertyName("control_port")]
    public int ControlPort { get; init; }

    /// <summary>Stdin ROUTER port.</summary>
    [JsonPropertyName("stdin_port")]
    public int StdinPort { get; init; }

    /// <summary>IOPub PUB port.</summary>
    [JsonPropertyName("iopub_port")]
    public int IopubPort { get; init; }

    /// <summary>Heartbeat REP port.</summary>
    [JsonPropertyName("hb_port")]
    public int HbPort { get; init; }

    /// <summary>The HMAC key; empty means messages are not signed.</summary>
    [JsonPropertyName("key")]
    public string Key { get; init; } = "";

    /// <summary>The signature scheme, "hmac-sha256" (the only one supported).</summary>
    [JsonPropertyName("signature_scheme")]
    public string SignatureScheme { get; init; } = "hmac-sha256";

    /// <summary>Parses the JSON text of a connection file, checking transport and scheme.</summary>
    public static ConnectionInfo Parse(string json)
    {
        var info = JsonSerializer.Deserialize<ConnectionInfo>(json)
            ?? throw new FormatException("The connection file is empty.");
        if (info.Transport is not ("tcp" or "ipc"))
        {
            throw new FormatException($"Unsupported transport '{info.Transport}' (expected tcp or ipc).");
        }
        if (info.Key.Length > 0 && info.SignatureScheme != "hmac-sha256")
        {
            throw new FormatException($"Unsupported signature scheme '{info.SignatureScheme}' (expected hmac-sha256).");
        }
        return info;
    }

    /// <summary>Reads and parses a connection file.</summary>
    public static ConnectionInfo Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>The ZeroMQ endpoint for a port: tcp://ip:port, or ipc://ip-port as Jupyter names ipc sockets.</summary>
    public string Endpoint(int port) => Transport == "ipc" ? $"ipc://{IpcPath(port)}" : $"tcp://{Ip}:{port}";

    /// <summary>The Unix socket path of a port on the ipc transport: ip-port.</summary>
    public string IpcPath(int port) => $"{Ip}-{port}";
}
