using System.Text;
using Diffusion.Nn;
using Diffusion.Tensors;

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
/// </remarks>
public sealed class UNet : Module<Tensor, Tensor, Tensor>
{
    private readonly SinusoidalTimeEmbedding _timeEmbedding;
    private readonly Sequential _timeMlp;
    private readonly Conv2d _convIn, _convOut;
    private readonly ModuleList<UNetLevel> _down, _up;
    private readonly UNetMiddle _middle;
    private readonly GroupNorm _normOut;

    /// <summary>Builds the network for <paramref name="config"/> (validated), initialised from the global generator.</summary>
    public UNet(UNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        int ch = config.BaseChannels, tdim = config.EffectiveTimeEmbeddingDim;
        Func<long, int> groups = c => config.GroupsFor(c);
        int[] resolutions = config.Resolutions;
        var attentionAt = new HashSet<int>(config.AttentionResolutions);

        _timeEmbedding = new SinusoidalTimeEmbedding(ch);
        _timeMlp = RegisterModule("time_mlp", new Sequential(new Linear(ch, tdim), new SiLU(), new Linear(tdim, tdim)));
        _convIn = RegisterModule("conv_in", new Conv2d(config.ImageChannels, ch, 3, padding: 1));

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
        _down = RegisterModule("down", new ModuleList<UNetLevel>(down));

        _middle = RegisterModule("mid", new UNetMiddle(current, tdim, config.Dropout, config.AttentionHeads, groups));

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
        _up = RegisterModule("up", new ModuleList<UNetLevel>(up));

        _normOut = RegisterModule("norm_out", new GroupNorm(groups(current), current));
        _convOut = RegisterModule("conv_out", new Conv2d(current, config.ImageChannels, 3, padding: 1));
    }

    /// <summary>The architecture.</summary>
    public UNetConfig Config { get; }

    /// <summary>
    /// Predicts the noise ε̂ = ε_θ(x, t) for images <paramref name="x"/> [B, C, H, W] at timesteps <paramref name="t"/> [B]
    /// (int64 or float; a single step is broadcast over the batch). The result has x's shape.
    /// </summary>
    public override Tensor Forward(Tensor x, Tensor t)
    {
        var shape = x.Shape;
        if (shape.Length != 4 || shape[1] != Config.ImageChannels)
        {
            throw new ArgumentException($"UNet expects images [B, {Config.ImageChannels}, H, W], got shape {Tensor.FormatShape(shape)}", nameof(x));
        }
        using var scope = new TensorScope();
        var steps = BroadcastSteps(t, shape[0]);
        var temb = _timeMlp.Forward(_timeEmbedding.Forward(steps));

        var h = _convIn.Forward(x);
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
                h = downsample.Forward(h);
                skips.Add(h);
            }
        }

        h = _middle.Forward(h, temb);

        for (int i = _up.Count - 1; i >= 0; i--)
        {
            var level = _up[i];
            for (int j = 0; j < level.Blocks.Count; j++)
            {
                var skip = skips[^1];
                skips.RemoveAt(skips.Count - 1);
                h = level.Block(j, Torch.Cat([h, skip], 1), temb);
            }
            if (level.Upsample is { } upsample)
            {
                var target = skips[^1];
                h = upsample.Forward(h, target.Size(2), target.Size(3));
            }
        }

        return scope.Keep(_convOut.Forward(_normOut.Forward(h).Silu()));
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
        Row("time_mlp", "", _timeMlp.ParameterCount);
        Row("conv_in", $"{resolutions[0]}", _convIn.ParameterCount);
        for (int i = 0; i < _down.Count; i++)
        {
            Row($"down.{i}" + (_down[i].Attention.Count > 0 ? " (+attn)" : ""), $"{resolutions[i]}", _down[i].ParameterCount);
        }
        Row("mid (+attn)", $"{resolutions[^1]}", _middle.ParameterCount);
        for (int i = _up.Count - 1; i >= 0; i--)
        {
            Row($"up.{i}" + (_up[i].Attention.Count > 0 ? " (+attn)" : ""), $"{resolutions[i]}", _up[i].ParameterCount);
        }
        Row("norm_out + conv_out", $"{resolutions[0]}", _normOut.ParameterCount + _convOut.ParameterCount);
        sb.Append($"{"total",-22} {"",10} {ParameterCount,14:N0}");
        return sb.ToString();
    }

    private static Tensor BroadcastSteps(Tensor t, long batch)
    {
        if (t.Dim == 0 || (t.Dim == 1 && t.Size(0) == 1 && batch != 1))
        {
            return t.Reshape(1).Expand(batch);
        }
        if (t.Dim != 1 || t.Size(0) != batch)
        {
            throw new ArgumentException($"UNet expects timesteps [B] = [{batch}] (or one step), got shape {Tensor.FormatShape(t.Shape)}", nameof(t));
        }
        return t.Alias();
    }
}
