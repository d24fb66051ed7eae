using System.Text;
using System.Text.Json.Nodes;
using Diffusion.Kernel.Transport;

namespace Diffusion.Kernel.Protocol;

/// <summary>The iopub PUB socket, shared by every thread that publishes (under a lock).</summary>
internal sealed class Iopub(KernelSocket socket, MessageSigner signer, string session)
{
    private readonly Lock _lock = new();

    /// <summary>Publishes a message of a type answering <paramref name="parent"/> (null for none).</summary>
    public void Publish(string msgType, JsonObject content, JupyterMessage? parent)
    {
        var message = JupyterMessage.Create(msgType, content, parent, session, [Encoding.UTF8.GetBytes($"kernel.{session}.{msgType}")]);
        var frames = WireFormat.Encode(message, signer);
        lock (_lock)
        {
            socket.SendMultipart(frames);
        }
    }

    /// <summary>Publishes status busy or idle.</summary>
    public void Status(string state, JupyterMessage? parent) =>
        Publish("status", new JsonObject { ["execution_state"] = state }, parent);
}
