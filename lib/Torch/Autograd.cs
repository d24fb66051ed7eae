namespace Diffusion.Tensors;

/// <summary>Functional autograd (<c>torch.autograd</c>): gradients returned rather than accumulated into <c>.grad</c>.</summary>
public static class Autograd
{
    /// <summary>
    /// The gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/> (<c>torch.autograd.grad</c>):
    /// result i is sum_j d(outputs[j])/d(inputs[i]) weighted by <paramref name="gradOutputs"/>[j]. Nothing is accumulated into
    /// <see cref="Tensor.Grad"/>. Diffusion Posterior Sampling uses it for the gradient of the measurement loss with respect to x_t.
    /// </summary>
    /// <param name="outputs">Tensors computed from the inputs; without <paramref name="gradOutputs"/> each must have one element.</param>
    /// <param name="inputs">Tensors that require grad (leaves or intermediate results).</param>
    /// <param name="gradOutputs">The vector in the vector-Jacobian product, one per output (null entries allowed for scalars).</param>
    /// <param name="retainGraph">Keep the graph for another backward pass.</param>
    /// <param name="createGraph">Record the gradient computation, so the results can be differentiated again.</param>
    /// <param name="allowUnused">Return null for an input the outputs do not depend on, instead of throwing.</param>
    /// <returns>One new tensor per input (owned by the caller), or null for an unused input when <paramref name="allowUnused"/>.</returns>
    public static unsafe Tensor?[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? gradOutputs = null,
        bool retainGraph = false, bool createGraph = false, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
        {
            throw new ArgumentException($"gradOutputs has {gradOutputs.Count} tensors but there are {outputs.Count} outputs", nameof(gradOutputs));
        }
        using var outs = new HandleList(outputs);
        using var ins = new HandleList(inputs);
        using var gouts = new HandleList(gradOutputs ?? Array.Empty<Tensor?>());
        var results = new IntPtr[inputs.Count];
        int rc;
        fixed (IntPtr* po = outs.Pointers, pi = ins.Pointers, pg = gouts.Pointers, pr = results)
        {
            rc = NativeMethods.dt_autograd_grad(po, outs.Pointers.Length, pi, ins.Pointers.Length, pg, gouts.Pointers.Length,
                retainGraph ? 1 : 0, createGraph ? 1 : 0, allowUnused ? 1 : 0, pr);
        }
        if (rc != 0)
        {
            throw TorchException.FromLastError("autograd.grad", [outputs.Count > 0 ? outputs[0] : null, inputs.Count > 0 ? inputs[0] : null]);
        }
        var grads = new Tensor?[results.Length];
        for (int i = 0; i < results.Length; i++)
        {
            grads[i] = results[i] == IntPtr.Zero ? null : new Tensor(results[i]);
        }
        return grads;
    }

    /// <summary>The gradient of a one-element <paramref name="output"/> with respect to one <paramref name="input"/>.</summary>
    public static Tensor Grad(Tensor output, Tensor input, bool retainGraph = false, bool createGraph = false) =>
        Grad([output], [input], null, retainGraph, createGraph)[0]!;
}
