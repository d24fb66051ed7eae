using Diffusion.Engine;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// "Network in network": a per-pixel linear map of the channels, y[b, o, h, w] = Σ_c x[b, c, h, w] · W[c, o] + b[o], with
/// W of shape [in, out] (parameters <c>W</c> and <c>b</c>, as score_sde_pytorch's <c>NIN</c>; a 1×1 convolution with the
/// transposed weight).
/// </summary>
public sealed class Nin : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _w, _b;

    /// <summary>W initialised by variance scaling with <paramref name="initScale"/>, b = 0.</summary>
    public Nin(long inDim, long numUnits, double initScale = 0.1) : base(nameof(Nin))
    {
        using (no_grad())
        {
            var w = empty(inDim, numUnits);
            DdpmInit.VarianceScaling(w, initScale, inAxis: 0, outAxis: 1);
            _w = (Parameter)new Parameter(w).DetachFromDisposeScope();
            _b = (Parameter)new Parameter(zeros(numUnits)).DetachFromDisposeScope();
        }
        register_parameter("W", _w);
        register_parameter("b", _b);
        TensorAccounting.Settle(this);
    }

    /// <summary>Maps x [B, in, H, W] to [B, out, H, W].</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != _w.shape[0])
        {
            throw new ArgumentException($"NIN({_w.shape[0]} -> {_w.shape[1]}) expects [B, {_w.shape[0]}, H, W], got {Shapes.Format(input)}", nameof(input));
        }
        long b = input.shape[0], h = input.shape[2], w = input.shape[3];
        using var scope = NewDisposeScope();
        var y = matmul(_w.t(), input.reshape(b, input.shape[1], h * w)) + _b.unsqueeze(-1);
        return y.reshape(b, _w.shape[1], h, w).MoveToOuterDisposeScope();
    }

    /// <summary>Parameters are registered by their state-dict names in the constructor.</summary>
    protected override void RegisterComponents()
    {
    }
}
