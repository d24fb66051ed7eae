using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Engine;

public class TorchEngineTests
{
    [Fact]
    public void Initialize_LoadsLibTorch210FromTheBuildOutput()
    {
        string description = TorchEngine.Initialize();
        Assert.StartsWith("TorchSharp 0.107.0 (LibTorch 2.10.0)", description);
        string folder = NativeFolderOfThisProcess();
        var libtorch = NativeEngine.MappedLibraries().Where(p => Path.GetFileName(p).StartsWith("libtorch_cpu.so", StringComparison.Ordinal)).ToList();
        Assert.Equal([Path.Combine(folder, "libtorch_cpu.so")], libtorch);
    }

    [Fact]
    public void Computes_WithAutograd()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1.0, 2.0, 3.0 }, requires_grad: true);
        var y = (x * x).sum();
        y.backward();
        Assert.Equal(new[] { 2.0, 4.0, 6.0 }, x.grad!.data<double>().ToArray());
        var conv = nn.functional.conv2d(ones(1, 1, 4, 4), ones(1, 1, 3, 3));
        Assert.Equal(9f, conv[0, 0, 0, 0].item<float>());
    }

    [Fact]
    public void Explain_SaysWhatToDoForTheGlibcxxGap()
    {
        string message = NativeEngine.Explain("libLibTorchSharp.so: version `GLIBCXX_3.4.32' not found (required by libLibTorchSharp.so)", "/x/native");
        Assert.Contains("Debian 12", message);
        Assert.Contains("dotnet build Diffusion.slnx -c Release", message);
        Assert.Contains("GCC 13", message);
        string other = NativeEngine.Explain("libc10.so: cannot open shared object file", null);
        Assert.Contains("environment/setup.sh", other);
    }

    [Fact]
    public void Initialize_TunesGlibcsAllocator_AndReleaseGivesMemoryBack()
    {
        Assert.True(NativeAllocator.Tuned, "TorchEngine.Initialize should fix glibc's mmap and trim thresholds on Linux");
        using (var scope = NewDisposeScope())
        {
            _ = ones(64L << 20, ScalarType.Byte);   // 64 MB, freed into the allocator at the end of the scope
        }
        double rss = TorchEngine.ReleaseFreeMemory();
        Assert.InRange(rss, 1, ProcessMemory.PeakRssMb());
    }

    [Fact]
    public void Device_FollowsTheEnvironmentVariable()
    {
        Assert.Equal(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, TorchEngine.Device.type);
    }

    private static string NativeFolderOfThisProcess() => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
}
