using System.Collections;

namespace Diffusion.Nn;

/// <summary>
/// Holds child modules in a list, named <c>0</c>, <c>1</c>, ... (<c>torch.nn.ModuleList</c>), so that
/// <c>down.0.conv1.weight</c> names the same tensor here and in PyTorch. It has no forward of its own.
/// </summary>
/// <typeparam name="T">The type of the children.</typeparam>
public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    private readonly List<T> _items = new();

    /// <summary>A list of <paramref name="modules"/>.</summary>
    public ModuleList(params T[] modules)
    {
        foreach (var m in modules)
        {
            Add(m);
        }
    }

    /// <summary>A list of <paramref name="modules"/>.</summary>
    public ModuleList(IEnumerable<T> modules) : this(modules.ToArray())
    {
    }

    /// <summary>Appends <paramref name="module"/> under the next index.</summary>
    public void Add(T module)
    {
        RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _items.Add(module);
    }

    /// <inheritdoc/>
    public T this[int index] => _items[index];

    /// <inheritdoc/>
    public int Count => _items.Count;

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string TypeName => "ModuleList";
}
