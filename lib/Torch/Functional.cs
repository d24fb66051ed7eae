namespace Diffusion.Tensors;

/// <summary>
/// Stateless neural-network operations (<c>torch.nn.functional</c>): linear and convolutional layers, normalisation,
/// pooling, resampling, softmax, losses and activations. Parameters are passed in; the layer classes in lib/Nn hold them.
/// Optional tensors (bias, weight) are null for "none". Every result is a new tensor the caller owns.
/// </summary>
public static partial class Functional
{
    /// <summary>An affine map of the last dimension (<c>F.linear</c>).</summary>
    /// <remarks>y = x W^T + b, with x of shape (..., in), W of shape (out, in), b of shape (out).</remarks>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        using var b = new OptionalHandle(bias);
        return Tensor.Wrap(NativeMethods.dt_linear(x.Handle, weight.Handle, b.Pointer, out var r), r, "linear", x, weight, bias);
    }

    /// <summary>Looks up rows of <paramref name="weight"/> (num_embeddings, dim) at integer <paramref name="indices"/> (<c>F.embedding</c>).</summary>
    /// <remarks>y[..., :] = weight[indices[...], :]; the result has shape indices.shape + (dim).</remarks>
    public static Tensor Embedding(Tensor indices, Tensor weight) =>
        Tensor.Wrap(NativeMethods.dt_embedding(indices.Handle, weight.Handle, out var r), r, "embedding", indices, weight);

    /// <summary>Randomly zeroes elements with probability <paramref name="p"/> and scales the rest by 1/(1-p) when training (<c>F.dropout</c>).</summary>
    /// <remarks>
    /// y = x * m / (1 - p), m ~ Bernoulli(1 - p) elementwise, drawn from <paramref name="generator"/> (or the default generator, with
    /// libtorch's fused kernel); y = x when not training.
    /// </remarks>
    public static Tensor Dropout(Tensor x, double p = 0.5, bool training = true, Generator? generator = null)
    {
        if (p < 0 || p > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        }
        if (generator is null)
        {
            return Tensor.Wrap(NativeMethods.dt_dropout(x.Handle, p, training ? 1 : 0, out var r), r, "dropout", x);
        }
        int rc = NativeMethods.dt_dropout_gen(x.Handle, p, training ? 1 : 0, Generator.Raw(generator), out var rg);
        GC.KeepAlive(generator);
        return Tensor.Wrap(rc, rg, "dropout", x);
    }
}
