using System.Net;
using System.Net.Sockets;

namespace Diffusion.Kernel.Transport;

/// <summary>
/// Serves Jupyter's ipc transport (a Unix domain socket at a path) for a NetMQ socket bound to a loopback TCP port:
/// each connection to the path is paired with one to the port, and bytes are copied both ways, so ZeroMQ's own protocol
/// (ZMTP) runs end to end unchanged. Messages stay signed with the connection key, as on the tcp transport.
/// </summary>
internal sealed class IpcRelay : IDisposable
{
    private readonly string _path;
    private readonly int _tcpPort;
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Listens on <paramref name="path"/> (replacing a stale socket file, as libzmq does) and relays to the port.</summary>
    public IpcRelay(string path, int tcpPort)
    {
        _path = path;
        _tcpPort = tcpPort;
        if (File.Exists(path))
        {
            File.Delete(path);
        }
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(16);
        _ = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var clientStream = new NetworkStream(client, ownsSocket: true);
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _tcpPort, _stop.Token);
            using var serverStream = new NetworkStream(server, ownsSocket: false);
            // Either side closing ends the pair: disposing both streams closes the other direction too.
            await Task.WhenAny(CopyAsync(clientStream, serverStream), CopyAsync(serverStream, clientStream));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
        }
    }

    private async Task CopyAsync(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
    }

    /// <summary>Stops listening, ends the relayed connections and removes the socket file.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
        }
        _stop.Dispose();
    }
}
