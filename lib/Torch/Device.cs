namespace Diffusion.Tensors;

/// <summary>The kind of device a tensor lives on.</summary>
public enum DeviceType
{
    /// <summary>Host memory.</summary>
    Cpu = 0,

    /// <summary>An NVIDIA GPU (needs a CUDA build of libtorch).</summary>
    Cuda = 1,
}

/// <summary>Where a tensor lives: the CPU, or CUDA device <see cref="Index"/>.</summary>
/// <param name="Type">CPU or CUDA.</param>
/// <param name="Index">The CUDA device number; 0 for the CPU.</param>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    /// <summary>The CPU.</summary>
    public static Device Cpu { get; } = new(DeviceType.Cpu);

    /// <summary>CUDA device <paramref name="index"/>.</summary>
    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    /// <summary>True when the loaded libtorch was built with CUDA and sees at least one GPU.</summary>
    public static bool IsCudaAvailable => NativeMethods.dt_cuda_is_available() != 0;

    /// <summary>The number of CUDA devices libtorch sees (0 on a CPU build).</summary>
    public static int CudaDeviceCount => NativeMethods.dt_cuda_device_count();

    /// <summary>The best device here: CUDA 0 when available, else the CPU.</summary>
    public static Device Best => IsCudaAvailable ? Cuda(0) : Cpu;

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public static Device Parse(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return Cpu;
        if (s == "cuda") return Cuda(0);
        if (s.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(s.AsSpan(5), out int n) && n >= 0) return Cuda(n);
        throw new FormatException($"'{text}' is not a device; write 'cpu', 'cuda' or 'cuda:N'");
    }

    /// <summary>PyTorch's spelling: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}
