using System.Text.Json.Nodes;
using Diffusion.Tensors;

namespace Diffusion.Plotting;

/// <summary>
/// A column of data for a trace: numbers (from arrays, lists or a 1-D tensor) or category labels (strings).
/// Arrays convert implicitly, so <c>Chart.Line(xs, ys)</c> takes <c>double[]</c>, <c>float[]</c>, <c>int[]</c>,
/// <c>string[]</c> or a <see cref="Tensor"/>.
/// </summary>
public sealed class Values
{
    private readonly double[]? _numbers;
    private readonly string[]? _labels;
    private readonly bool _single;

    private Values(double[]? numbers, string[]? labels, bool single)
    {
        _numbers = numbers;
        _labels = labels;
        _single = single;
    }

    /// <summary>How many values.</summary>
    public int Count => _numbers?.Length ?? _labels!.Length;

    /// <summary>True for numbers, false for category labels.</summary>
    public bool IsNumeric => _numbers is not null;

    /// <summary>The numbers (a copy); throws for category labels.</summary>
    public double[] ToDoubles() => (double[])(_numbers ?? throw new InvalidOperationException("these values are category labels, not numbers")).Clone();

    internal double[]? Numbers => _numbers;

    /// <summary>Numbers from any sequence.</summary>
    public static Values Of(IEnumerable<double> numbers) => new(numbers.ToArray(), null, false);

    /// <summary>Numbers from any sequence of floats (written with float precision).</summary>
    public static Values Of(IEnumerable<float> numbers) => new(numbers.Select(f => (double)f).ToArray(), null, true);

    /// <summary>Numbers from any sequence of integers.</summary>
    public static Values Of(IEnumerable<int> numbers) => new(numbers.Select(i => (double)i).ToArray(), null, false);

    /// <summary>Category labels.</summary>
    public static Values Of(IEnumerable<string> labels) => new(null, labels.ToArray(), false);

    /// <summary>0, 1, …, <paramref name="count"/>−1.</summary>
    public static Values Range(int count) => new(Enumerable.Range(0, count).Select(i => (double)i).ToArray(), null, false);

    /// <summary>The elements of a tensor of any shape, flattened (copied to the CPU as float64).</summary>
    public static Values Of(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new(TensorData.ToDoubles(tensor), null, tensor.DType == DType.Float32);
    }

    /// <summary>Numbers.</summary>
    public static implicit operator Values(double[] numbers) => new((double[])numbers.Clone(), null, false);

    /// <summary>Numbers (written with float precision).</summary>
    public static implicit operator Values(float[] numbers) => Of(numbers);

    /// <summary>Integers.</summary>
    public static implicit operator Values(int[] numbers) => Of(numbers);

    /// <summary>Integers.</summary>
    public static implicit operator Values(long[] numbers) => new(numbers.Select(i => (double)i).ToArray(), null, false);

    /// <summary>Category labels.</summary>
    public static implicit operator Values(string[] labels) => Of(labels);

    /// <summary>Numbers.</summary>
    public static implicit operator Values(List<double> numbers) => Of(numbers);

    /// <summary>Numbers (written with float precision).</summary>
    public static implicit operator Values(List<float> numbers) => Of(numbers);

    /// <summary>Integers.</summary>
    public static implicit operator Values(List<int> numbers) => Of(numbers);

    /// <summary>Category labels.</summary>
    public static implicit operator Values(List<string> labels) => Of(labels);

    /// <summary>The flattened elements of a tensor.</summary>
    public static implicit operator Values(Tensor tensor) => Of(tensor);

    /// <summary>The plotly JSON array (NaN → null).</summary>
    internal JsonArray ToJson()
    {
        var a = new JsonArray();
        if (_labels is not null)
        {
            foreach (var s in _labels)
            {
                a.Add(JsonValue.Create(s));
            }
            return a;
        }
        foreach (var v in _numbers!)
        {
            a.Add(_single ? PlotJson.Number((float)v) : PlotJson.Number(v));
        }
        return a;
    }
}
