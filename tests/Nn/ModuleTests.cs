using Diffusion.Nn;
using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Nn;

/// <summary>Module bookkeeping: names, state dicts, modes, dtype/device moves, ownership.</summary>
[Collection(SerialCollection.Name)]
public class ModuleTests
{
    /// <summary>A nested module with the same structure as a PyTorch UNet fragment.</summary>
    private sealed class Block : Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv1;

        public Block(long c)
        {
            RegisterModule("norm1", new GroupNorm(2, c));
            _conv1 = RegisterModule("conv1", new Conv2d(c, c, 3, padding: 1));
            RegisterBuffer("scale", Torch.Ones([1]));
        }

        public override Tensor Forward(Tensor input) => _conv1.Forward(input);
    }

    private sealed class Net : Module<Tensor, Tensor>
    {
        public Net()
        {
            RegisterModule("down", new ModuleList<Block>(new Block(4), new Block(4)));
            RegisterModule("out", new Linear(4, 2, bias: false));
            RegisterModule("drop", new Dropout(0.1));
        }

        public override Tensor Forward(Tensor input) => throw new NotSupportedException();
    }

    [Fact]
    public void NamedParameters_UseDottedPyTorchNames()
    {
        using var net = new Net();
        Assert.Equal(
            ["down.0.norm1.weight", "down.0.norm1.bias", "down.0.conv1.weight", "down.0.conv1.bias",
             "down.1.norm1.weight", "down.1.norm1.bias", "down.1.conv1.weight", "down.1.conv1.bias", "out.weight"],
            net.NamedParameters().Select(p => p.Name));
        Assert.Equal(["down.0.scale", "down.1.scale"], net.NamedBuffers().Select(b => b.Name));
        // PyTorch's state_dict order: each module's parameters, then its buffers, then its children.
        Assert.Equal(
            ["down.0.scale", "down.0.norm1.weight", "down.0.norm1.bias", "down.0.conv1.weight", "down.0.conv1.bias",
             "down.1.scale", "down.1.norm1.weight", "down.1.norm1.bias", "down.1.conv1.weight", "down.1.conv1.bias", "out.weight"],
            net.StateDict().Keys);
        Assert.Equal(2 * (4 + 4 + 4 * 4 * 9 + 4) + 8, net.ParameterCount);
    }

    [Fact]
    public void StateDict_RoundTripsBetweenModules()
    {
        using var scope = new TensorScope();
        Torch.ManualSeed(1);
        using var a = new Net();
        using var b = new Net();
        var result = b.LoadStateDict(a.StateDict());
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        foreach (var ((name, pa), (_, pb)) in a.NamedParameters().Zip(b.NamedParameters()))
        {
            Assert.Equal(pa.ToArray<float>(), pb.ToArray<float>());
            Assert.True(pb.RequiresGrad, name);
            Assert.True(pb.IsLeaf, name);
        }
    }

    [Fact]
    public void LoadStateDict_NamesMissingUnexpectedAndMismatchedKeys()
    {
        using var scope = new TensorScope();
        using var net = new Net();
        var dict = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        dict.Remove("down.1.conv1.bias");
        dict["extra.weight"] = Torch.Zeros([1]);
        dict["out.weight"] = Torch.Zeros([3, 4]);
        var ex = Assert.Throws<InvalidOperationException>(() => net.LoadStateDict(dict));
        Assert.Contains("Missing key(s) in state_dict: \"down.1.conv1.bias\"", ex.Message);
        Assert.Contains("Unexpected key(s) in state_dict: \"extra.weight\"", ex.Message);
        Assert.Contains("size mismatch for out.weight: copying a tensor with shape [3, 4] from the state dict, the shape in the current model is [2, 4]", ex.Message);

        dict["out.weight"] = Torch.Zeros([2, 4]);
        var result = net.LoadStateDict(dict, strict: false);
        Assert.Equal(["down.1.conv1.bias"], result.MissingKeys);
        Assert.Equal(["extra.weight"], result.UnexpectedKeys);
        Assert.All(net.StateDict()["out.weight"].ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void LoadStateDict_ThrowsForShapeMismatchEvenWhenNotStrict()
    {
        using var scope = new TensorScope();
        using var m = new Linear(3, 2);
        var ex = Assert.Throws<InvalidOperationException>(() =>
            m.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Torch.Zeros([3, 2]) }, strict: false));
        Assert.Contains("weight", ex.Message);
        Assert.Contains("[3, 2]", ex.Message);
    }

    [Fact]
    public void TrainEval_PropagateToChildren()
    {
        using var net = new Net();
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.IsTraining));
        net.Eval();
        Assert.All(net.NamedModules(), m => Assert.False(m.Module.IsTraining));
        net.Train();
        Assert.True(net.NamedModules().Last().Module.IsTraining);
    }

    [Fact]
    public void ToDType_ConvertsParametersAndKeepsThemTrainable()
    {
        using var net = new Net();
        long before = LiveTensors.Count();
        net.To(DType.Float64);
        Assert.Equal(before, LiveTensors.Count());
        Assert.All(net.Parameters(), p =>
        {
            Assert.Equal(DType.Float64, p.DType);
            Assert.True(p.RequiresGrad);
            Assert.True(p.IsLeaf);
        });
        Assert.All(net.NamedBuffers(), b => Assert.Equal(DType.Float64, b.Buffer.DType));
        net.To(Device.Cpu);
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void Parameters_SurviveScopesAndDisposeFreesThem()
    {
        long before = LiveTensors.Count();
        Net net;
        using (var scope = new TensorScope())
        {
            net = new Net();
        }
        Assert.All(net.Parameters(), p => Assert.False(p.IsDisposed));
        Assert.Equal(before + 11, LiveTensors.Count());
        net.Dispose();
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void ZeroGrad_ClearsGradients()
    {
        using var scope = new TensorScope();
        using var m = new Linear(3, 2);
        m.Forward(Torch.Ones([4, 3])).Sum().Backward();
        Assert.NotNull(m.Weight.Grad);
        m.ZeroGrad(setToNone: false);
        Assert.All(m.Weight.Grad!.ToArray<float>(), v => Assert.Equal(0f, v));
        m.ZeroGrad();
        Assert.Null(m.Weight.Grad);
    }
}
