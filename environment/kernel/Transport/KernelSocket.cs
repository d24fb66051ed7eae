using Diffusion.Kernel.Protocol;
using NetMQ;
using NetMQ.Sockets;

namespace Diffusion.Kernel.Transport;

/// <summary>
/// One of the kernel's ZeroMQ sockets (NetMQ, pure C#), sending and receiving multipart messages as lists of byte arrays.
/// Not thread-safe (as ZeroMQ sockets are not): each socket is used by one thread, or under a lock.
/// </summary>
internal sealed class KernelSocket : IDisposable
{
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(1);
    private readonly NetMQSocket _socket;
    private IpcRelay? _relay;

    private KernelSocket(NetMQSocket socket)
    {
        _socket = socket;
        _socket.Options.Linger = Linger;
    }

    /// <summary>A ROUTER socket (shell, control, stdin).</summary>
    public static KernelSocket Router() => new(new RouterSocket());

    /// <summary>A PUB socket (iopub).</summary>
    public static KernelSocket Publisher() => new(new PublisherSocket());

    /// <summary>A REP socket (heartbeat).</summary>
    public static KernelSocket Reply() => new(new ResponseSocket());

    /// <summary>A DEALER socket (tests acting as a client).</summary>
    public static KernelSocket Dealer() => new(new DealerSocket());

    /// <summary>
    /// Binds to a port of the connection file: tcp://ip:port, or for the ipc transport the Unix socket ip-port, which NetMQ
    /// cannot serve itself (its ipc:// is TCP on loopback), so an <see cref="IpcRelay"/> forwards it to a loopback TCP port.
    /// </summary>
    public void Bind(ConnectionInfo connection, int port)
    {
        var endpoint = connection.Endpoint(port);
        try
        {
            if (connection.Transport == "ipc")
            {
                var tcpPort = _socket.BindRandomPort("tcp://127.0.0.1");
                _relay = new IpcRelay(connection.IpcPath(port), tcpPort);
            }
            else
            {
                _socket.Bind(endpoint);
            }
        }
        catch (Exception e) when (e is NetMQException or System.Net.Sockets.SocketException or IOException)
        {
            throw new IOException($"cannot listen on {endpoint}: {e.Message} (is another process using it?)", e);
        }
    }

    /// <summary>Connects to an endpoint such as tcp://127.0.0.1:5555 (tests acting as a client).</summary>
    public void Connect(string endpoint) => _socket.Connect(endpoint);

    /// <summary>Sends every frame as one multipart message.</summary>
    public void SendMultipart(IReadOnlyList<byte[]> frames) => _socket.SendMultipartBytes(frames);

    /// <summary>Blocks until a whole multipart message arrives.</summary>
    public List<byte[]> ReceiveMultipart() => _socket.ReceiveMultipartBytes();

    /// <summary>Receives a message already queued, or returns null at once when there is none.</summary>
    public List<byte[]>? TryReceiveMultipart() => TryReceiveMultipart(TimeSpan.Zero);

    /// <summary>Receives a message within <paramref name="timeout"/>, or returns null.</summary>
    public List<byte[]>? TryReceiveMultipart(TimeSpan timeout)
    {
        var frames = new List<byte[]>();
        return _socket.TryReceiveMultipartBytes(timeout, ref frames) ? frames : null;
    }

    /// <summary>Closes the socket (and its ipc relay).</summary>
    public void Dispose()
    {
        _relay?.Dispose();
        _socket.Dispose();
    }
}
