using System.Net;
using System.Net.Sockets;
using System.Text;
using Diffusion.Kernel.Protocol;
using Diffusion.Kernel.Transport;

namespace Diffusion.Tests.Kernel;

public class KernelSocketTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void AssertRoundTrip(ConnectionInfo connection, int port)
    {
        using var router = KernelSocket.Router();
        router.Bind(connection, port);
        using var dealer = KernelSocket.Dealer();
        dealer.Connect(connection.Endpoint(port));
        byte[][] request = [Encoding.UTF8.GetBytes("<IDS|MSG>"), new byte[1 << 20], Encoding.UTF8.GetBytes("héllo")];
        dealer.SendMultipart(request);

        var received = router.TryReceiveMultipart(Wait);
        Assert.NotNull(received);
        Assert.Equal(request.Length + 1, received.Count); // the ROUTER prepends the peer's identity
        Assert.Equal(request, received.Skip(1));
        router.SendMultipart([received[0], Encoding.UTF8.GetBytes("reply")]);
        var reply = dealer.TryReceiveMultipart(Wait);
        Assert.NotNull(reply);
        Assert.Equal("reply", Encoding.UTF8.GetString(Assert.Single(reply)));
    }

    [Fact]
    public void Tcp_RouterAndDealerExchangeMultipartMessages()
    {
        var connection = ConnectionInfo.Parse("""{"transport": "tcp", "ip": "127.0.0.1", "key": ""}""");
        AssertRoundTrip(connection, FreePort());
    }

    [Fact]
    public void Ipc_ServesTheUnixSocketPathThatJupyterConnectsTo()
    {
        var folder = Directory.CreateTempSubdirectory("kernel-ipc-");
        try
        {
            var connection = ConnectionInfo.Parse($$"""{"transport": "ipc", "ip": "{{folder.FullName}}/k", "key": ""}""");
            var path = connection.IpcPath(3);
            File.WriteAllText(path, "stale"); // a socket file left by an earlier kernel is replaced, as libzmq does

            using (var router = KernelSocket.Router())
            {
                router.Bind(connection, 3);
                // A client speaking libzmq's ipc (a Unix domain socket at the path) reaches the NetMQ socket.
                using var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                unix.Connect(new UnixDomainSocketEndPoint(path));
                var greeting = new byte[10];
                unix.ReceiveTimeout = (int)Wait.TotalMilliseconds;
                Assert.Equal(10, unix.Receive(greeting));
                Assert.Equal(0xFF, greeting[0]); // ZMTP 3 signature, sent by NetMQ through the relay
                Assert.Equal(0x7F, greeting[9]);
            }
            Assert.False(File.Exists(path));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Bind_ToAPortInUse_SaysWhichEndpoint()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connection = ConnectionInfo.Parse("""{"transport": "tcp", "ip": "127.0.0.1", "key": ""}""");
        using var router = KernelSocket.Router();
        var error = Assert.Throws<IOException>(() => router.Bind(connection, port));
        Assert.Contains($"tcp://127.0.0.1:{port}", error.Message);
    }
}
