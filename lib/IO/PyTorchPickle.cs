using System.Collections;
using System.Runtime.CompilerServices;
using Razorvine.Pickle;
using TorchSharp.PyBridge;

namespace Diffusion.IO;

/// <summary>
/// Reads a file written by PyTorch's <c>torch.save</c> (the zip format of PyTorch ≥ 1.6, pickle protocol 2) without Python,
/// through TorchSharp.PyBridge's unpickler: dicts become <see cref="Hashtable"/>s, lists <see cref="ArrayList"/>s, tensors CPU
/// tensors. State dicts (Python's <c>OrderedDict</c>) become <see cref="OrderedTable"/>s, which keep the file's key order: a
/// score_sde_pytorch checkpoint pairs its EMA list with the state dict's names by that order.
/// </summary>
public static class PyTorchPickle
{
    private static readonly Lock Gate = new();

    /// <summary>Unpickles <paramref name="path"/>; the tensors are created in the caller's dispose scope.</summary>
    /// <exception cref="InvalidDataException">The file is not a zip-format PyTorch file (the message says what it is not).</exception>
    public static Hashtable Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        Span<byte> signature = stackalloc byte[4];
        if (stream.Read(signature) < 4 || signature[0] != 0x50 || signature[1] != 0x4b || signature[2] != 0x03 || signature[3] != 0x04)
        {
            throw new InvalidDataException($"{path} is not a PyTorch file in the zip format of torch.save (PyTorch 1.6 and later); " +
                "re-save it with torch.save(obj, path) from a recent PyTorch, or convert it to safetensors");
        }
        stream.Seek(0, SeekOrigin.Begin);
        lock (Gate)
        {
            // PyBridge registers its own OrderedDict (a plain Hashtable, unordered) in its static constructor: run that first,
            // then put ours in its place.
            RuntimeHelpers.RunClassConstructor(typeof(PyTorchUnpickler).TypeHandle);
            Unpickler.registerConstructor("collections", "OrderedDict", new OrderedTableConstructor());
            try
            {
                return PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
            }
            catch (Exception e) when (e is PickleException or InvalidCastException or KeyNotFoundException or NotImplementedException)
            {
                throw new InvalidDataException($"{path}: not a checkpoint this reader understands ({e.GetType().Name}: {e.Message})", e);
            }
        }
    }

    private sealed class OrderedTableConstructor : IObjectConstructor
    {
        public object construct(object[] args) => new OrderedTable();
    }
}

/// <summary>A Python <c>OrderedDict</c>: a <see cref="Hashtable"/> that also knows the order of its keys in the file.</summary>
/// <remarks>
/// Python's pickler writes a dict's items in SETITEMS batches of <see cref="PickleBatchSize"/> (the last one shorter), each
/// in order; the unpickler (Razorvine.Pickle) pops a batch off its stack and so sets its items last to first. The order they
/// were set in, cut into batches of that size and each batch reversed, is the file's order (checked by the tests on a
/// state dict written in an order no loader would guess).
/// </remarks>
public sealed class OrderedTable : Hashtable
{
    /// <summary>Items per SETITEMS batch of CPython's pickler (<c>pickle._BATCHSIZE</c>).</summary>
    public const int PickleBatchSize = 1000;

    private readonly List<object> _order = [];

    /// <summary>The keys in the file's order.</summary>
    public IReadOnlyList<object> OrderedKeys => _order.Chunk(PickleBatchSize).SelectMany(batch => batch.Reverse()).ToList();

    /// <inheritdoc/>
    public override object? this[object key]
    {
        get => base[key];
        set
        {
            if (!ContainsKey(key))
            {
                _order.Add(key);
            }
            base[key] = value;
        }
    }

    /// <inheritdoc/>
    public override void Add(object key, object? value)
    {
        base.Add(key, value);
        _order.Add(key);
    }

    /// <summary>Pickle's BUILD step: an OrderedDict's state is its <c>_metadata</c> (versions of modules), which is not needed.</summary>
    /// <param name="state">The pickled state.</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "the name the unpickler calls")]
    public void __setstate__(Hashtable state)
    {
        ArgumentNullException.ThrowIfNull(state);
    }
}
