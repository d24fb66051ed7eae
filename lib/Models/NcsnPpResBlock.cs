using Diffusion.Engine;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// The BigGAN-style residual block of NCSN++ (score_sde_pytorch's <c>ResnetBlockBigGANpp</c>), conditioned on the time
/// embedding, optionally up- or down-sampling by 2. Children: <c>GroupNorm_0</c>, <c>Conv_0</c>, <c>Dense_0</c>,
/// <c>GroupNorm_1</c>, <c>Dropout_0</c>, <c>Conv_1</c> and, when the channels or the size change, <c>Conv_2</c> (1×1).
/// </summary>
/// <remarks>
/// h = SiLU(GroupNorm₀(x)); when resampling, h and x are both resampled (FIR or naive, see <see cref="FirResampling"/>);
/// h = Conv₀(h) + Dense₀(SiLU(e))[:, :, None, None]; h = Conv₁(Dropout(SiLU(GroupNorm₁(h))));
/// x = Conv₂(x) when the channels or the size change; y = (x + h) / √2 with skip rescaling, x + h without.
/// Conv₁ starts at the init scale (10⁻¹⁰ for 0), so a fresh block is close to (x + 0) / √2.
/// </remarks>
public sealed class NcsnPpResBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm _norm0, _norm1;
    private readonly Conv2d _conv0, _conv1;
    private readonly Conv2d? _conv2;
    private readonly Linear _dense0;
    private readonly UniformDropout _dropout;
    private readonly NcsnPpConfig _config;

    /// <summary>A block from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels (the same when null).</summary>
    /// <param name="config">Supplies dropout, FIR, skip rescaling and the init scale.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels; null keeps <paramref name="inChannels"/>.</param>
    /// <param name="timeEmbeddingDim">Width of the time embedding e (4 · nf).</param>
    /// <param name="up">Doubles H and W.</param>
    /// <param name="down">Halves H and W.</param>
    public NcsnPpResBlock(NcsnPpConfig config, long inChannels, long? outChannels, long timeEmbeddingDim, bool up = false, bool down = false)
        : base(nameof(NcsnPpResBlock))
    {
        ArgumentNullException.ThrowIfNull(config);
        if (up && down)
        {
            throw new ArgumentException("a block cannot both up- and down-sample");
        }
        _config = config;
        InChannels = inChannels;
        OutChannels = outChannels ?? inChannels;
        Up = up;
        Down = down;
        _norm0 = Layers.GroupNorm(NcsnPpConfig.GroupsFor(inChannels), inChannels, 1e-6);
        _conv0 = DdpmInit.Conv(inChannels, OutChannels, 3);
        _dense0 = DdpmInit.Dense(timeEmbeddingDim, OutChannels);
        _norm1 = Layers.GroupNorm(NcsnPpConfig.GroupsFor(OutChannels), OutChannels, 1e-6);
        _dropout = new UniformDropout(config.Dropout);
        _conv1 = DdpmInit.Conv(OutChannels, OutChannels, 3, config.InitScale);
        register_module("GroupNorm_0", _norm0);
        register_module("Conv_0", _conv0);
        register_module("Dense_0", _dense0);
        register_module("GroupNorm_1", _norm1);
        register_module("Dropout_0", _dropout);
        register_module("Conv_1", _conv1);
        if (InChannels != OutChannels || up || down)
        {
            _conv2 = DdpmInit.Conv(inChannels, OutChannels, 1);
            register_module("Conv_2", _conv2);
        }
        TensorAccounting.Settle(this);
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>True when the block doubles H and W.</summary>
    public bool Up { get; }

    /// <summary>True when the block halves H and W.</summary>
    public bool Down { get; }

    /// <summary>Applies the block to x [B, Cin, H, W] with the time embedding e [B, D].</summary>
    public override Tensor forward(Tensor x, Tensor timeEmbedding)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(timeEmbedding);
        if (x.dim() != 4 || x.shape[1] != InChannels)
        {
            throw new ArgumentException($"NcsnPpResBlock({InChannels} -> {OutChannels}) expects x [B, {InChannels}, H, W], got {Shapes.Format(x)}", nameof(x));
        }
        if (timeEmbedding.dim() != 2 || timeEmbedding.shape[0] != x.shape[0] || timeEmbedding.shape[1] != _dense0.in_features)
        {
            throw new ArgumentException($"NcsnPpResBlock expects a time embedding [{x.shape[0]}, {_dense0.in_features}] for x {Shapes.Format(x)}, got {Shapes.Format(timeEmbedding)}", nameof(timeEmbedding));
        }
        using var scope = NewDisposeScope();
        var h = nn.functional.silu(_norm0.call(x));
        if (Up)
        {
            h = Resample(h, up: true);
            x = Resample(x, up: true);
        }
        else if (Down)
        {
            h = Resample(h, up: false);
            x = Resample(x, up: false);
        }
        h = Convolutions.Apply(_conv0, h);
        h = h + _dense0.call(nn.functional.silu(timeEmbedding)).unsqueeze(-1).unsqueeze(-1);
        h = Convolutions.Apply(_conv1, _dropout.call(nn.functional.silu(_norm1.call(h))));
        if (_conv2 is not null)
        {
            x = Convolutions.Apply(_conv2, x);
        }
        var y = x + h;
        return (_config.SkipRescale ? y / Math.Sqrt(2) : y).MoveToOuterDisposeScope();
    }

    private Tensor Resample(Tensor t, bool up) => (_config.Fir, up) switch
    {
        (true, true) => FirResampling.Upsample2d(t, _config.FirKernel),
        (true, false) => FirResampling.Downsample2d(t, _config.FirKernel),
        (false, true) => FirResampling.NaiveUpsample2d(t),
        (false, false) => FirResampling.NaiveDownsample2d(t),
    };

    /// <summary>Children are registered by their state-dict names in the constructor.</summary>
    protected override void RegisterComponents()
    {
    }
}
