using System.Text;
using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.IO;

/// <summary>
/// Loads a state dict (name → tensor, e.g. from <see cref="Safetensors.Load"/>) into a TorchSharp module with PyTorch's
/// strict semantics, and explains a mismatch key by key.
/// </summary>
/// <remarks>
/// Strict, as <c>module.load_state_dict(sd, strict=True)</c>: every key of the module's <c>state_dict()</c> must be given,
/// no other key may be, and each tensor must have the shape of the parameter or buffer it fills. Nothing is copied unless
/// everything fits; then each value is copied in place (<c>copy_</c>, under <c>no_grad</c>, converting dtype and device),
/// so optimizers and EMA copies that hold the parameters keep seeing them. TorchSharp's own <c>load_state_dict</c> says only
/// "not identical" and fails on a shape mismatch with a LibTorch stack.
/// </remarks>
public static class StateDicts
{
    /// <summary>
    /// Copies <paramref name="state"/> into <paramref name="module"/>'s parameters and persistent buffers.
    /// </summary>
    /// <param name="module">The model to fill.</param>
    /// <param name="state">The tensors by state-dict key; they stay the caller's.</param>
    /// <param name="source">Where the tensors came from (a file path), for the message; null for none.</param>
    /// <exception cref="StateDictMismatchException">Some key is missing, unexpected, of the wrong shape or of the wrong kind of dtype; the message lists every one.</exception>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> state, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(state);
        var own = module.state_dict();
        var difference = Compare(own, state);
        if (!difference.IsEmpty)
        {
            throw new StateDictMismatchException(Describe(module, difference, source), difference);
        }
        using (no_grad())
        {
            foreach (var (key, target) in own)
            {
                target.copy_(state[key]);
            }
        }
    }

    /// <summary>How <paramref name="state"/> differs from <paramref name="module"/>'s state dict (empty when it fits).</summary>
    public static StateDictDifference Compare(nn.Module module, IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(state);
        return Compare(module.state_dict(), state);
    }

    private static StateDictDifference Compare(Dictionary<string, Tensor> own, IReadOnlyDictionary<string, Tensor> state)
    {
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var mismatched = new List<ShapeMismatch>();
        var kinds = new List<DTypeMismatch>();
        foreach (var key in own.Keys.Where(state.ContainsKey).Order(StringComparer.Ordinal))
        {
            var given = state[key];
            if (given is null || given.IsInvalid)
            {
                throw new ArgumentException($"the tensor for '{key}' is {(given is null ? "null" : "disposed")}", nameof(state));
            }
            long[] expected = own[key].shape, actual = given.shape;
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                mismatched.Add(new ShapeMismatch(key, expected, actual));
            }
            if (torch.is_floating_point(own[key]) != torch.is_floating_point(given))
            {
                kinds.Add(new DTypeMismatch(key, own[key].dtype, given.dtype));
            }
        }
        return new StateDictDifference(missing, unexpected, mismatched, kinds);
    }

    private static string Describe(nn.Module module, StateDictDifference d, string? source)
    {
        var sb = new StringBuilder();
        sb.Append($"the state dict{(source is null ? "" : $" in {source}")} does not fit {module.GetType().Name}:");
        if (d.MissingKeys.Count > 0)
        {
            sb.Append($"\n  missing ({d.MissingKeys.Count}, in the model but not given): {string.Join(", ", d.MissingKeys)}");
        }
        if (d.UnexpectedKeys.Count > 0)
        {
            sb.Append($"\n  unexpected ({d.UnexpectedKeys.Count}, given but not in the model): {string.Join(", ", d.UnexpectedKeys)}");
        }
        foreach (var m in d.ShapeMismatches)
        {
            sb.Append($"\n  shape mismatch for {m.Key}: the model has {Shapes.Format(m.ModelShape)}, the state dict {Shapes.Format(m.GivenShape)}");
        }
        foreach (var m in d.DTypeMismatches ?? [])
        {
            sb.Append($"\n  dtype mismatch for {m.Key}: the model has {m.ModelDType}, the state dict {m.GivenDType} (floating point and integer values do not convert)");
        }
        sb.Append("\nWas the file written for another model or configuration? Build the model with the configuration it was saved with (its model card).");
        return sb.ToString();
    }
}

/// <summary>A key whose tensor has another shape than the module's parameter or buffer.</summary>
/// <param name="Key">The state-dict key.</param>
/// <param name="ModelShape">The shape in the module.</param>
/// <param name="GivenShape">The shape of the tensor given.</param>
public sealed record ShapeMismatch(string Key, long[] ModelShape, long[] GivenShape);

/// <summary>
/// A key whose tensor is floating point where the module's is not, or the other way round (an integer or boolean tensor
/// would become weights, or weights an integer buffer: PyTorch's <c>copy_</c> converts them silently). Conversions between
/// floating-point types (float64 or float16 weights into a float32 model) stay allowed, as in PyTorch.
/// </summary>
/// <param name="Key">The state-dict key.</param>
/// <param name="ModelDType">The dtype in the module.</param>
/// <param name="GivenDType">The dtype of the tensor given.</param>
public sealed record DTypeMismatch(string Key, ScalarType ModelDType, ScalarType GivenDType);

/// <summary>How a state dict differs from a module's: keys missing, keys unexpected, shapes or dtype kinds that differ (each sorted by key).</summary>
/// <param name="MissingKeys">Keys of the module that the state dict lacks.</param>
/// <param name="UnexpectedKeys">Keys of the state dict that the module lacks.</param>
/// <param name="ShapeMismatches">Keys present in both with different shapes.</param>
/// <param name="DTypeMismatches">Keys present in both, floating point in one and not in the other.</param>
public sealed record StateDictDifference(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys, IReadOnlyList<ShapeMismatch> ShapeMismatches,
    IReadOnlyList<DTypeMismatch>? DTypeMismatches = null)
{
    /// <summary>True when the state dict fits the module exactly.</summary>
    public bool IsEmpty => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 && ShapeMismatches.Count == 0 && (DTypeMismatches?.Count ?? 0) == 0;
}

/// <summary>
/// A state dict does not fit a module; <see cref="Difference"/> holds every missing, unexpected and mismatched key. An
/// <see cref="InvalidOperationException"/>, as TorchSharp's own <c>load_state_dict</c> throws (PyTorch: <c>RuntimeError</c>).
/// </summary>
public sealed class StateDictMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public StateDictMismatchException(string message, StateDictDifference difference) : base(message) => Difference = difference;

    /// <summary>What did not fit.</summary>
    public StateDictDifference Difference { get; }
}
