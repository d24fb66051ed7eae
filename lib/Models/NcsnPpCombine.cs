using Diffusion.Engine;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// Joins the down-sampled input image (progressive input) to the features: h = Conv_0(x) (1×1, image channels → feature
/// channels), then h + y (<c>sum</c>) or [h, y] along the channels (<c>cat</c>). score_sde_pytorch's <c>Combine</c>.
/// </summary>
public sealed class NcsnPpCombine : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Conv2d _conv0;
    private readonly bool _cat;

    /// <summary>From <paramref name="dim1"/> image channels onto <paramref name="dim2"/> feature channels; method "sum" or "cat".</summary>
    public NcsnPpCombine(long dim1, long dim2, string method) : base(nameof(NcsnPpCombine))
    {
        if (method is not ("sum" or "cat"))
        {
            throw new ArgumentException($"combine method must be 'sum' or 'cat', got '{method}'", nameof(method));
        }
        _cat = method == "cat";
        _conv0 = DdpmInit.Conv(dim1, dim2, 1);
        register_module("Conv_0", _conv0);
        TensorAccounting.Settle(this);
    }

    /// <summary>Combines the image pyramid level x [B, dim1, H, W] with the features y [B, dim2, H, W].</summary>
    public override Tensor forward(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.dim() != 4 || y.dim() != 4 || x.shape[1] != _conv0.in_channels || y.shape[1] != _conv0.out_channels || x.shape[2] != y.shape[2] || x.shape[3] != y.shape[3])
        {
            throw new ArgumentException($"Combine({_conv0.in_channels} -> {_conv0.out_channels}) expects x [B, {_conv0.in_channels}, H, W] and y [B, {_conv0.out_channels}, H, W], got {Shapes.Format(x)} and {Shapes.Format(y)}");
        }
        using var scope = NewDisposeScope();
        var h = Convolutions.Apply(_conv0, x);
        return (_cat ? cat([h, y], 1) : h + y).MoveToOuterDisposeScope();
    }

    /// <summary>Children are registered by their state-dict names in the constructor.</summary>
    protected override void RegisterComponents()
    {
    }
}
