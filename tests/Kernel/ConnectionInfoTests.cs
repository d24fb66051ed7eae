using Diffusion.Kernel.Protocol;

namespace Diffusion.Tests.Kernel;

public class ConnectionInfoTests
{
    private const string JupyterFile = """
        {
          "shell_port": 50001, "iopub_port": 50002, "stdin_port": 50003, "control_port": 50004, "hb_port": 50005,
          "ip": "127.0.0.1", "key": "a0436f6c-1916-498b-8eb9-e81ab9368e84", "transport": "tcp",
          "signature_scheme": "hmac-sha256", "kernel_name": "diffusion-csharp"
        }
        """;

    [Fact]
    public void Parse_ReadsPortsKeyAndTransport()
    {
        var info = ConnectionInfo.Parse(JupyterFile);
        Assert.Equal((50001, 50002, 50003, 50004, 50005),
            (info.ShellPort, info.IopubPort, info.StdinPort, info.ControlPort, info.HbPort));
        Assert.Equal("a0436f6c-1916-498b-8eb9-e81ab9368e84", info.Key);
        Assert.Equal("tcp://127.0.0.1:50001", info.Endpoint(info.ShellPort));
    }

    [Fact]
    public void Endpoint_UsesJupyterIpcNaming()
    {
        var info = ConnectionInfo.Parse("""{"transport": "ipc", "ip": "/tmp/kernel-7", "shell_port": 1, "key": ""}""");
        Assert.Equal("ipc:///tmp/kernel-7-1", info.Endpoint(info.ShellPort));
    }

    [Fact]
    public void Parse_RejectsUnknownTransportAndScheme()
    {
        Assert.Throws<FormatException>(() => ConnectionInfo.Parse("""{"transport": "udp", "ip": "x"}"""));
        Assert.Throws<FormatException>(() => ConnectionInfo.Parse("""{"transport": "tcp", "key": "k", "signature_scheme": "hmac-md5"}"""));
    }

    [Fact]
    public void Load_ReadsAFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, JupyterFile);
            Assert.Equal(50005, ConnectionInfo.Load(path).HbPort);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
