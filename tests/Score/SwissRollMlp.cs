using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Tests.Score;

/// <summary>
/// The Swiss-roll-sized score network of the DSM tests and of the step-time measurement: an MLP 2-128-128-2 with SiLU,
/// s(x, σ) = f(x) / σ. tests/Score/dsm_step_torch.py builds the same network in PyTorch.
/// </summary>
internal sealed class SwissRollMlp : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear _in;
    private readonly Linear _hidden;
    private readonly Linear _out;

    public SwissRollMlp(int dim = 2, int width = 128) : base(nameof(SwissRollMlp))
    {
        _in = nn.Linear(dim, width);
        _hidden = nn.Linear(width, width);
        _out = nn.Linear(width, dim);
        register_module("in", _in);
        register_module("hidden", _hidden);
        register_module("out", _out);
        TensorAccounting.Settle(this);
    }

    public override Tensor forward(Tensor x, Tensor sigma)
    {
        using var scope = torch.NewDisposeScope();
        var h = nn.functional.silu(_in.forward(x));
        h = nn.functional.silu(_hidden.forward(h));
        return (_out.forward(h) / sigma.unsqueeze(1)).MoveToOuterDisposeScope();
    }
}
