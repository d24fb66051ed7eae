using System.Text;
using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// The noise-prediction network ε_θ(x_t, t) of DDPM (Ho et al. 2020, appendix B; a PixelCNN++-style UNet): a sinusoidal time
/// embedding and MLP, residual blocks with GroupNorm, SiLU and dropout, self-attention at chosen resolutions, stride-2
/// convolutions down, nearest-neighbour upsampling and convolutions up, and skips concatenated from the way down.
/// </summary>
/// <remarks>
/// Children (state-dict prefixes, PyTorch style): <c>time_mlp</c> (Linear(ch, D), SiLU, Linear(D, D)), <c>conv_in</c>,
/// <c>down.i.res.j</c> / <c>down.i.attn.j</c> / <c>down.i.downsample.conv</c>, <c>mid.res1</c> / <c>mid.attn</c> / <c>mid.res2</c>,
/// <c>up.i.res.j</c> (j = 0 … blocks, one more than down) / <c>up.i.attn.j</c> / <c>up.i.upsample.conv</c>,
/// <c>norm_out</c>, <c>conv_out</c>. Level i of <c>up</c> has the resolution of level i of <c>down</c>.
/// Forward: e = time_mlp(sinusoid(t)); h = conv_in(x), kept; each down block's output and each downsampling kept;
/// middle; each up block takes [h, last kept] concatenated on channels; out = conv_out(SiLU(GroupNorm(h))).
/// Every convolution runs through <see cref="Convolutions.Apply"/> (LibTorch 2.10's oneDNN is wrong for some channel counts);
/// the upsampling is <see cref="Upsample.Nearest2x"/>, a broadcast copy (LibTorch's NCHW nearest kernel is slow).
/// </remarks>
public sealed class UNet : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly SinusoidalTimeEmbedding _timeEmbedding;
    private readonly Sequential _timeMlp;
    private readonly Conv2d _convIn, _convOut;
    private readonly ModuleList<UNetLevel> _down, _up;
    private readonly UNetMiddle _middle;
    private readonly GroupNorm _normOut;

    /// <summary>Builds the network for <paramref name="config"/> (validated), initialised from the global generator.</summary>
    public UNet(UNetConfig config) : base(nameof(UNet))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        int ch = config.BaseChannels, tdim = config.EffectiveTimeEmbeddingDim;
        Func<long, int> groups = c => config.GroupsFor(c);
        int[] resolutions = config.Resolutions;
        var attentionAt = new HashSet<int>(config.AttentionResolutions);

        _timeEmbedding = new SinusoidalTimeEmbedding(ch);
        _timeMlp = nn.Sequential(nn.Linear(ch, tdim), nn.SiLU(), nn.Linear(tdim, tdim));
        register_module("time_mlp", _timeMlp);
        _convIn = nn.Conv2d(config.ImageChannels, ch, 3, padding: 1);
        register_module("conv_in", _convIn);

        // The way down, remembering the channels of every tensor kept for a skip.
        var skipChannels = new List<long> { ch };
        long current = ch;
        var down = new List<UNetLevel>();
        for (int i = 0; i < config.Levels; i++)
        {
            long outCh = (long)ch * config.ChannelMultipliers[i];
            var blocks = new List<ResBlock>();
            var attention = new List<SelfAttention2d>();
            for (int j = 0; j < config.ResBlocksPerLevel; j++)
            {
                blocks.Add(new ResBlock(current, outCh, tdim, config.Dropout, groups));
                current = outCh;
                if (attentionAt.Contains(resolutions[i]))
                {
                    attention.Add(new SelfAttention2d(current, config.AttentionHeads, groups(current)));
                }
                skipChannels.Add(current);
            }
            Downsample? downsample = null;
            if (i != config.Levels - 1)
            {
                downsample = new Downsample(current);
                skipChannels.Add(current);
            }
            down.Add(new UNetLevel(blocks, attention, downsample: downsample));
        }
        _down = nn.ModuleList(down.ToArray());
        register_module("down", _down);

        _middle = new UNetMiddle(current, tdim, config.Dropout, config.AttentionHeads, groups);
        register_module("mid", _middle);

        // The way up, consuming the skips in reverse; built from the lowest level, stored by level.
        var up = new UNetLevel[config.Levels];
        for (int i = config.Levels - 1; i >= 0; i--)
        {
            long outCh = (long)ch * config.ChannelMultipliers[i];
            var blocks = new List<ResBlock>();
            var attention = new List<SelfAttention2d>();
            for (int j = 0; j <= config.ResBlocksPerLevel; j++)
            {
                long skip = skipChannels[^1];
                skipChannels.RemoveAt(skipChannels.Count - 1);
                blocks.Add(new ResBlock(current + skip, outCh, tdim, config.Dropout, groups));
                current = outCh;
                if (attentionAt.Contains(resolutions[i]))
                {
                    attention.Add(new SelfAttention2d(current, config.AttentionHeads, groups(current)));
                }
            }
            up[i] = new UNetLevel(blocks, attention, upsample: i != 0 ? new Upsample(current) : null);
        }
        _up = nn.ModuleList(up);
        register_module("up", _up);

        _normOut = Layers.GroupNorm(groups(current), current);
        register_module("norm_out", _normOut);
        _convOut = nn.Conv2d(current, config.ImageChannels, 3, padding: 1);
        register_module("conv_out", _convOut);
        TensorAccounting.Settle(this);
    }

    /// <summary>The architecture.</summary>
    public UNetConfig Config { get; }

    /// <summary>The number of parameters (every element of every parameter tensor).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// Predicts the noise ε̂ = ε_θ(x, t) for images <paramref name="x"/> [B, C, H, W] at timesteps <paramref name="t"/> [B]
    /// (int64 or float; a single step, [] or [1], is broadcast over the batch). The result has x's shape.
    /// </summary>
    public override Tensor forward(Tensor x, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(t);
        if (x.dim() != 4 || x.shape[1] != Config.ImageChannels)
        {
            throw new ArgumentException($"UNet expects images [B, {Config.ImageChannels}, H, W], got {Shapes.Format(x)}", nameof(x));
        }
        long batch = x.shape[0];
        if (!(t.dim() == 0 || (t.dim() == 1 && (t.shape[0] == batch || t.shape[0] == 1))))
        {
            throw new ArgumentException($"UNet expects timesteps [B] = [{batch}] (or one step) for images {Shapes.Format(x)}, got {Shapes.Format(t)}", nameof(t));
        }
        using var scope = NewDisposeScope();
        var steps = t.dim() == 1 && t.shape[0] == batch ? t : t.reshape(1).expand(batch);
        // The embedding is float32 for integer steps; a float64 model (gradient checks) needs it in the images' dtype.
        var temb = _timeMlp.call(_timeEmbedding.call(steps).to(x.dtype));

        var h = Convolutions.Apply(_convIn, x);
        var skips = new List<Tensor> { h };
        for (int i = 0; i < _down.Count; i++)
        {
            var level = _down[i];
            for (int j = 0; j < level.Blocks.Count; j++)
            {
                h = level.Block(j, h, temb);
                skips.Add(h);
            }
            if (level.Downsample is { } downsample)
            {
                h = downsample.call(h);
                skips.Add(h);
            }
        }

        h = _middle.call(h, temb);

        for (int i = _up.Count - 1; i >= 0; i--)
        {
            var level = _up[i];
            for (int j = 0; j < level.Blocks.Count; j++)
            {
                var skip = skips[^1];
                skips.RemoveAt(skips.Count - 1);
                h = level.Block(j, cat([h, skip], 1), temb);
            }
            if (level.Upsample is { } upsample)
            {
                var target = skips[^1];
                h = upsample.Forward(h, target.shape[2], target.shape[3]);
            }
        }

        return Convolutions.Apply(_convOut, nn.functional.silu(_normOut.call(h))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A table of the parameter count of each top-level part and of each level, the total, and the config; for printing.
    /// </summary>
    public string Summary()
    {
        var sb = new StringBuilder();
        sb.AppendLine(Config.ToString());
        var resolutions = Config.Resolutions;
        sb.AppendLine($"{"part",-22} {"resolution",10} {"parameters",14}");
        void Row(string name, string resolution, long count) => sb.AppendLine($"{name,-22} {resolution,10} {count,14:N0}");
        Row("time_mlp", "", Count(_timeMlp));
        Row("conv_in", $"{resolutions[0]}", Count(_convIn));
        for (int i = 0; i < _down.Count; i++)
        {
            Row($"down.{i}" + (_down[i].Attention.Count > 0 ? " (+attn)" : ""), $"{resolutions[i]}", Count(_down[i]));
        }
        Row("mid (+attn)", $"{resolutions[^1]}", Count(_middle));
        for (int i = _up.Count - 1; i >= 0; i--)
        {
            Row($"up.{i}" + (_up[i].Attention.Count > 0 ? " (+attn)" : ""), $"{resolutions[i]}", Count(_up[i]));
        }
        Row("norm_out + conv_out", $"{resolutions[0]}", Count(_normOut) + Count(_convOut));
        sb.Append($"{"total",-22} {"",10} {ParameterCount,14:N0}");
        return sb.ToString();
    }

    private static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>Children are registered by their state-dict names in the constructor; TorchSharp's by-field registration would add them twice.</summary>
    protected override void RegisterComponents()
    {
    }
}
