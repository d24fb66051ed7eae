namespace Diffusion.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Whether autograd records operations on this tensor (<c>requires_grad</c>). Only leaves may be switched off,
    /// and only floating-point (or complex) tensors may require gradients.
    /// </summary>
    public bool RequiresGrad
    {
        get => NativeMethods.dt_requires_grad(Handle) != 0;
        set => Check(NativeMethods.dt_set_requires_grad(Handle, value ? 1 : 0), "requires_grad_", this);
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor (<c>x.requires_grad_()</c>), for chaining.</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>
    /// True for a tensor that autograd did not compute from other tensors requiring gradients (a user-created tensor,
    /// a parameter, a detached result). Backward fills <see cref="Grad"/> only on leaves.
    /// </summary>
    public bool IsLeaf => NativeMethods.dt_is_leaf(Handle) != 0;

    /// <summary>
    /// The accumulated gradient (<c>.grad</c>) as a new handle the caller owns (dispose it, or let a scope do it), sharing
    /// storage with the gradient itself; null when backward has not reached this tensor yet (or after <see cref="ZeroGrad"/>).
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            Check(NativeMethods.dt_grad(Handle, out var r), "grad", this);
            return r == IntPtr.Zero ? null : new Tensor(r);
        }
    }

    /// <summary>
    /// Clears the accumulated gradient: with <paramref name="setToNone"/> (the default, as PyTorch's optimizers do) the
    /// gradient becomes undefined and <see cref="Grad"/> returns null; otherwise it is filled with zeros in place.
    /// </summary>
    public void ZeroGrad(bool setToNone = true) =>
        Check(setToNone ? NativeMethods.dt_clear_grad(Handle) : NativeMethods.dt_zero_grad(Handle), "zero_grad", this);

    /// <summary>Makes this non-leaf tensor keep its gradient in <see cref="Grad"/> after backward (<c>tensor.retain_grad()</c>); returns this.</summary>
    public Tensor RetainGrad()
    {
        Check(NativeMethods.dt_retain_grad(Handle), "retain_grad", this);
        return this;
    }

    /// <summary>A tensor sharing this one's data but cut from the autograd graph (a leaf that does not require grad).</summary>
    public Tensor Detach() => Wrap(NativeMethods.dt_detach(Handle, out var r), r, "detach", this);

    /// <summary>
    /// Computes the gradient of this tensor with respect to the graph's leaves and accumulates it into their
    /// <see cref="Grad"/> (<c>tensor.backward()</c>).
    /// </summary>
    /// <param name="gradient">d(loss)/d(this), same shape as this tensor; may be null only when this tensor has one element.</param>
    /// <param name="retainGraph">Keep the graph's saved buffers so that backward can run through it again.</param>
    /// <param name="createGraph">Record the backward pass itself, for higher-order derivatives (implies <paramref name="retainGraph"/>).</param>
    /// <exception cref="TorchException">When the tensor does not require grad, when the graph was already freed by an earlier
    /// backward without <paramref name="retainGraph"/>, or when <paramref name="gradient"/> is missing for a non-scalar.</exception>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false)
    {
        using var g = new OptionalHandle(gradient);
        Check(NativeMethods.dt_backward(Handle, g.Pointer, retainGraph ? 1 : 0, createGraph ? 1 : 0), "backward", this, gradient);
    }
}
