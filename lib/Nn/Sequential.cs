using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>
/// Runs its children in order, each on the previous one's output (<c>torch.nn.Sequential</c>). Children are
/// named <c>0</c>, <c>1</c>, ... so state-dict keys match PyTorch's (<c>mlp.0.weight</c>).
/// </summary>
/// <remarks>Intermediate outputs are freed as soon as the next child has consumed them.</remarks>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _layers = new();

    /// <summary>A sequence of <paramref name="layers"/>.</summary>
    public Sequential(params Module<Tensor, Tensor>[] layers)
    {
        foreach (var layer in layers)
        {
            Add(layer);
        }
    }

    /// <summary>Appends <paramref name="layer"/> under the next index; returns this sequence.</summary>
    public Sequential Add(Module<Tensor, Tensor> layer)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>The number of children.</summary>
    public int Count => _layers.Count;

    /// <summary>Child <paramref name="index"/>.</summary>
    public Module<Tensor, Tensor> this[int index] => _layers[index];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (_layers.Count == 0)
        {
            return input.Alias();
        }
        Tensor x = _layers[0].Forward(input);
        for (int i = 1; i < _layers.Count; i++)
        {
            var next = _layers[i].Forward(x);
            x.Dispose();
            x = next;
        }
        return x;
    }
}
