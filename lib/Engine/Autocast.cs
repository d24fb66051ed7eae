using TorchSharp;

namespace Diffusion.Engine;

/// <summary>
/// LibTorch's automatic mixed precision for the code inside a <c>using</c> block on this thread: PyTorch's
/// <c>with torch.autocast("cpu", dtype=torch.bfloat16):</c>, which TorchSharp 0.107 does not wrap.
/// </summary>
/// <remarks>
/// Inside the block LibTorch's autocast dispatch casts the inputs of the operations on its lower-precision list
/// (convolutions, <c>linear</c>, <c>matmul</c>, <c>bmm</c>, <c>scaled_dot_product_attention</c>, ...) to bfloat16, caching
/// the bfloat16 copy of each float32 weight for the block, and those on its float32 list (<c>mse_loss</c>, ...) to float32;
/// other operations run in the precision of their inputs. Gradients flow back through the casts, so float32 weights get
/// float32 gradients: the optimizer, the EMA and the checkpoints never see bfloat16. Run the forward pass and the loss
/// inside the block and <c>backward()</c> after it, as PyTorch's documentation says.
/// <para>
/// The switch is thread-local (LibTorch keeps it in the thread's dispatch state), so a block must end on the thread that
/// began it. Blocks nest: the innermost decides, and the weight cache is cleared when the outermost one ends.
/// <see cref="Precision.Float32"/> gives a block that changes nothing.
/// </para>
/// The functions are LibTorch's own (<c>at::autocast::set_autocast_enabled</c> and its neighbours), looked up by their
/// exported C++ names in the engine's <c>torch_cpu</c> library.
/// </remarks>
public sealed unsafe class Autocast : IDisposable
{
    [ThreadStatic]
    private static Precision t_current;

    private readonly Precision _previous;
    private readonly bool _native;
    private readonly sbyte _device;
    private readonly bool _wasEnabled;
    private readonly sbyte _previousType;
    private readonly int _thread;
    private bool _disposed;

    private Autocast(Precision precision, DeviceType device)
    {
        Precision = precision;
        _thread = Environment.CurrentManagedThreadId;
        _previous = t_current;
        _native = precision == Precision.BFloat16 || _previous == Precision.BFloat16;
        if (_native)
        {
            var api = Native.Value;
            _device = (sbyte)device;
            _wasEnabled = api.IsEnabled(_device) != 0;
            _previousType = api.GetDtype(_device);
            if (precision == Precision.BFloat16)
            {
                api.SetDtype(_device, (sbyte)torch.ScalarType.BFloat16);
                api.IncrementNesting();
            }
            api.SetEnabled(_device, (byte)(precision == Precision.BFloat16 ? 1 : 0));
        }
        t_current = precision;
    }

    /// <summary>
    /// The precision of the innermost block open on this thread (<see cref="Precision.Float32"/> outside any): what the
    /// layers that take part in autocast compute in now.
    /// </summary>
    public static Precision Current => t_current;

    /// <summary>The precision of this block.</summary>
    public Precision Precision { get; }

    /// <summary>
    /// Begins a block that computes in <paramref name="precision"/> on <paramref name="device"/>'s autocast (the CPU by default;
    /// give the model's device type for a GPU). End it with <c>Dispose</c> (a <c>using</c>) on the same thread.
    /// </summary>
    /// <exception cref="NotSupportedException">The engine's library does not export LibTorch's autocast functions.</exception>
    public static Autocast Enter(Precision precision, DeviceType device = DeviceType.CPU)
    {
        if (precision is not (Precision.Float32 or Precision.BFloat16))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision");
        }
        return new Autocast(precision, device);
    }

    /// <summary>True when autocast is on for <paramref name="device"/> on this thread.</summary>
    public static bool IsEnabled(DeviceType device = DeviceType.CPU) => Native.Value.IsEnabled((sbyte)device) != 0;

    /// <summary>Ends the block: restores the state it found and, at the outermost block, frees the cached bfloat16 weights.</summary>
    /// <exception cref="InvalidOperationException">Called on another thread than the one that began the block.</exception>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        if (Environment.CurrentManagedThreadId != _thread)
        {
            throw new InvalidOperationException("an autocast block must end on the thread that began it (LibTorch's autocast switch is per thread)");
        }
        _disposed = true;
        t_current = _previous;
        if (!_native)
        {
            return;
        }
        var api = Native.Value;
        if (Precision == Precision.BFloat16 && api.DecrementNesting() == 0)
        {
            api.ClearCache();
        }
        api.SetEnabled(_device, (byte)(_wasEnabled ? 1 : 0));
        api.SetDtype(_device, _previousType);
    }

    private static readonly Lazy<Functions> Native = new(Functions.Find);

    /// <summary>LibTorch's autocast functions, by their Itanium (Linux, macOS) and MSVC (Windows) names.</summary>
    private sealed class Functions
    {
        public delegate* unmanaged<sbyte, byte, void> SetEnabled;
        public delegate* unmanaged<sbyte, byte> IsEnabled;
        public delegate* unmanaged<sbyte, sbyte, void> SetDtype;
        public delegate* unmanaged<sbyte, sbyte> GetDtype;
        public delegate* unmanaged<int> IncrementNesting;
        public delegate* unmanaged<int> DecrementNesting;
        public delegate* unmanaged<void> ClearCache;

        public static Functions Find() => new()
        {
            SetEnabled = (delegate* unmanaged<sbyte, byte, void>)Get("set_autocast_enabled",
                "_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb", "?set_autocast_enabled@autocast@at@@YAXW4DeviceType@c10@@_N@Z"),
            IsEnabled = (delegate* unmanaged<sbyte, byte>)Get("is_autocast_enabled",
                "_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE", "?is_autocast_enabled@autocast@at@@YA_NW4DeviceType@c10@@@Z"),
            SetDtype = (delegate* unmanaged<sbyte, sbyte, void>)Get("set_autocast_dtype",
                "_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE", "?set_autocast_dtype@autocast@at@@YAXW4DeviceType@c10@@W4ScalarType@4@@Z"),
            GetDtype = (delegate* unmanaged<sbyte, sbyte>)Get("get_autocast_dtype",
                "_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE", "?get_autocast_dtype@autocast@at@@YA?AW4ScalarType@c10@@W4DeviceType@3@@Z"),
            IncrementNesting = (delegate* unmanaged<int>)Get("increment_nesting",
                "_ZN2at8autocast17increment_nestingEv", "?increment_nesting@autocast@at@@YAHXZ"),
            DecrementNesting = (delegate* unmanaged<int>)Get("decrement_nesting",
                "_ZN2at8autocast17decrement_nestingEv", "?decrement_nesting@autocast@at@@YAHXZ"),
            ClearCache = (delegate* unmanaged<void>)Get("clear_cache",
                "_ZN2at8autocast11clear_cacheEv", "?clear_cache@autocast@at@@YAXXZ"),
        };

        private static IntPtr Get(string function, params string[] symbols) =>
            NativeEngine.Export("torch_cpu", symbols) ?? throw new NotSupportedException(
                $"LibTorch's autocast function at::autocast::{function} was not found in the engine's torch_cpu library " +
                $"(TorchSharp {TorchEngine.TorchSharpVersion}, LibTorch {TorchEngine.LibTorchVersion}): bfloat16 mixed precision is not available " +
                "with this engine build; use Precision.Float32 (--precision fp32).");
    }
}
