using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// Divergences ∇·F(x) = Tr(∂F/∂x) of a batched vector field F: [B, …] → [B, …] whose rows do not interact, by autograd
/// vector-Jacobian products vᵀ ∂F/∂x (one backward pass each). Every function returns the field's value F(x) (detached) and
/// the divergence per row [B].
/// </summary>
public static class Divergence
{
    /// <summary>
    /// The Hutchinson-Skilling estimate vᵀ (∂F/∂x) v per row (Hutchinson 1989; Skilling 1989), unbiased when E[v vᵀ] = I:
    /// one forward pass of F, one vector-Jacobian product.
    /// </summary>
    /// <param name="field">F; it must be differentiable in x.</param>
    /// <param name="x">The point [B, …] (not modified; no gradient flows back to it).</param>
    /// <param name="probe">v, x's shape (Rademacher or Gaussian entries).</param>
    public static (Tensor Value, Tensor Divergence) Hutchinson(Func<Tensor, Tensor> field, Tensor x, Tensor probe)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(probe);
        if (!probe.shape.AsSpan().SequenceEqual(x.shape))
        {
            throw new ArgumentException($"the probe has shape {Shapes.Format(probe)} but x has shape {Shapes.Format(x)}; they must match", nameof(probe));
        }
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var xg = x.detach().requires_grad_(true);
        var value = Evaluate(field, xg);
        var v = probe.to(value.dtype);
        var vjp = torch.autograd.grad([value], [xg], [v])[0];
        var div = (vjp * v).reshape(x.shape[0], -1).sum(1);
        return (value.detach().MoveToOuterDisposeScope(), div.detach().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The exact trace Σ_j (e_jᵀ ∂F/∂x)_j per row: one forward pass and D vector-Jacobian products (D entries per row), each
    /// with the one-hot e_j in every row at once. Meant for tiny D.
    /// </summary>
    public static (Tensor Value, Tensor Divergence) Exact(Func<Tensor, Tensor> field, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(x);
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var xg = x.detach().requires_grad_(true);
        var value = Evaluate(field, xg);
        long b = x.shape[0], d = x.numel() / Math.Max(1, b);
        var div = torch.zeros([b], dtype: value.dtype, device: value.device);
        var identity = torch.eye(d, dtype: value.dtype, device: value.device);
        for (long j = 0; j < d; j++)
        {
            using var inner = torch.NewDisposeScope();
            var e = identity[j].expand(b, d).reshape(x.shape);
            var vjp = torch.autograd.grad([value], [xg], [e], retain_graph: j + 1 < d)[0];
            div.add_(vjp.reshape(b, d).select(1, j));
        }
        return (value.detach().MoveToOuterDisposeScope(), div.MoveToOuterDisposeScope());
    }

    private static Tensor Evaluate(Func<Tensor, Tensor> field, Tensor xg)
    {
        var value = field(xg);
        if (!value.shape.AsSpan().SequenceEqual(xg.shape))
        {
            throw new InvalidOperationException($"the vector field returned shape {Shapes.Format(value)} for x of shape {Shapes.Format(xg)}");
        }
        if (!value.requires_grad)
        {
            throw new InvalidOperationException("the vector field's output does not depend on x through autograd (is the score computed under no_grad, or from detached data?)");
        }
        return value;
    }
}
