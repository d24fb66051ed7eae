using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>
/// A private random number generator (<c>torch.Generator</c>). Random functions that take one draw from it
/// instead of the global generator, so a seeded <see cref="Generator"/> gives the same numbers every run, and,
/// on the CPU, the same numbers as <c>torch.Generator().manual_seed(seed)</c> in PyTorch.
/// </summary>
public sealed class Generator : IDisposable
{
    private readonly GeneratorHandle _handle;

    /// <summary>Creates a generator on <paramref name="device"/> (the CPU by default) seeded with <paramref name="seed"/>.</summary>
    public Generator(ulong seed, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        Tensor.Check(NativeMethods.dt_generator_new(seed, (int)d.Type, d.Index, out var raw), "generator");
        _handle = new GeneratorHandle(raw);
        Device = d;
    }

    /// <summary>The device whose random streams this generator drives.</summary>
    public Device Device { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => _handle.IsClosed;

    internal GeneratorHandle Handle => _handle.IsClosed ? throw new ObjectDisposedException(nameof(Generator)) : _handle;

    /// <summary>Re-seeds the generator (<c>manual_seed</c>); returns it for chaining.</summary>
    public Generator ManualSeed(ulong seed)
    {
        Tensor.Check(NativeMethods.dt_generator_manual_seed(Handle, seed), "manual_seed");
        return this;
    }

    /// <summary>The seed the generator was last seeded with (<c>initial_seed</c>).</summary>
    public ulong InitialSeed()
    {
        Tensor.Check(NativeMethods.dt_generator_initial_seed(Handle, out ulong seed), "initial_seed");
        return seed;
    }

    /// <summary>A snapshot of the generator's full state as a uint8 tensor (<c>get_state</c>).</summary>
    public Tensor GetState() => Tensor.Wrap(NativeMethods.dt_generator_get_state(Handle, out var r), r, "get_state");

    /// <summary>Restores a state taken by <see cref="GetState"/> (<c>set_state</c>).</summary>
    public void SetState(Tensor state) => Tensor.Check(NativeMethods.dt_generator_set_state(Handle, state.Handle), "set_state", state);

    /// <summary>Frees the native generator. Safe to call twice.</summary>
    public void Dispose() => _handle.Dispose();

    /// <summary>The raw pointer for a native call (null for the default generator); keep <paramref name="g"/> alive across the call.</summary>
    internal static IntPtr Raw(Generator? g) => g is null ? IntPtr.Zero : g.Handle.DangerousGetHandle();
}

/// <summary>Owns one native <c>at::Generator*</c>.</summary>
internal sealed class GeneratorHandle : SafeHandle
{
    internal GeneratorHandle(IntPtr raw) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(raw);

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        NativeMethods.dt_generator_free(handle);
        return true;
    }
}
