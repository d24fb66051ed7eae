using Diffusion.Nn;
using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Nn;

/// <summary>Runs a layer on a case of nn.json (written by make_nn.py) and compares output and gradients with PyTorch's.</summary>
internal static class LayerFixtures
{
    private static readonly Lazy<Fixture> s_fixture = new(() => Fixture.Load("nn.json"));

    public static Fixture Data => s_fixture.Value;

    /// <summary>The state dict of case <paramref name="name"/>, keyed by PyTorch's parameter names.</summary>
    public static Dictionary<string, Tensor> StateDict(string name)
    {
        string prefix = name + ".sd.";
        return Data.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(n => n[prefix.Length..], n => Data.Tensor(n));
    }

    /// <summary>Loads the case's weights into <paramref name="module"/> (float64), runs forward and backward, compares.</summary>
    public static void AssertMatches(string name, Module<Tensor, Tensor> module, double tol = 1e-10)
    {
        using var scope = new TensorScope();
        module.To(DType.Float64);
        module.LoadStateDict(StateDict(name));
        var x = Data.Tensor(name + ".x").RequiresGrad_();
        var y = module.Forward(x);
        TensorAssert.Close(Data, name + ".y", y, tol, tol);
        (y * Data.Tensor(name + ".g")).Sum().Backward();
        TensorAssert.Close(Data, name + ".dx", x.Grad!, tol, tol);
        foreach (var (pname, p) in module.NamedParameters())
        {
            TensorAssert.Close(Data, name + ".d." + pname, p.Grad!, tol, tol);
        }
    }
}
