using Diffusion.Engine;
using Plotly.NET;
using TorchSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;
using static TorchSharp.torch;

namespace Diffusion.Plotting;

public static partial class Figures
{
    /// <summary>
    /// A 2-D vector field, e.g. a score s(x) = ∇ log p(x): one arrow (a shaft with a head) from each point in the
    /// direction of its vector, all drawn with the same length <paramref name="arrowLength"/> (the direction is what the picture shows), over an
    /// optional cloud of data points in light grey. Axes are equal, so directions are not distorted.
    /// </summary>
    /// <param name="points">Where the arrows start, [M, 2].</param>
    /// <param name="vectors">The field at those points, [M, 2].</param>
    /// <param name="arrowLength">The drawn length of every arrow, in data units.</param>
    /// <param name="data">Data points drawn underneath, [N, 2], or null.</param>
    /// <param name="name">The legend name of the arrows.</param>
    /// <param name="title">An optional title.</param>
    public static GenericChart ScoreField(Tensor points, Tensor vectors, double arrowLength = 0.07, Tensor? data = null, string name = "s(x)", string? title = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(vectors);
        if (!points.shape.SequenceEqual(vectors.shape))
        {
            throw new ArgumentException($"points {Shapes.Format(points)} and vectors {Shapes.Format(vectors)} must have the same shape [M, 2]: one vector per point", nameof(vectors));
        }
        if (!(arrowLength > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(arrowLength), arrowLength, "arrows need a positive length");
        }
        var (px, py) = TensorValues.Columns(points, nameof(points));
        var (vx, vy) = TensorValues.Columns(vectors, nameof(vectors));
        // Each arrow is a shaft (x0, y0) → tip = (x0, y0) + L v/|v| and a head (two barbs 0.35 L long, ±25° off the shaft,
        // drawn barb → tip → barb), each followed by a gap (NaN), so one trace draws them all.
        const int PerArrow = 7;
        double barb = 0.35 * arrowLength, cos = Math.Cos(25 * Math.PI / 180), sin = Math.Sin(25 * Math.PI / 180);
        var xs = new double[PerArrow * px.Length];
        var ys = new double[PerArrow * px.Length];
        for (int i = 0; i < px.Length; i++)
        {
            double norm = Math.Sqrt((vx[i] * vx[i]) + (vy[i] * vy[i])) + 1e-12;
            double ux = vx[i] / norm, uy = vy[i] / norm;
            double tipX = px[i] + (arrowLength * ux), tipY = py[i] + (arrowLength * uy);
            int k = PerArrow * i;
            (xs[k], ys[k]) = (px[i], py[i]);
            (xs[k + 1], ys[k + 1]) = (tipX, tipY);
            (xs[k + 2], ys[k + 2]) = (double.NaN, double.NaN);
            // The barbs point back along −u, rotated by ±25°.
            (xs[k + 3], ys[k + 3]) = (tipX - (barb * ((cos * ux) - (sin * uy))), tipY - (barb * ((sin * ux) + (cos * uy))));
            (xs[k + 4], ys[k + 4]) = (tipX, tipY);
            (xs[k + 5], ys[k + 5]) = (tipX - (barb * ((cos * ux) + (sin * uy))), tipY - (barb * ((-sin * ux) + (cos * uy))));
            (xs[k + 6], ys[k + 6]) = (double.NaN, double.NaN);
        }
        var arrows = CSharpChart.Line<double, double, string>(xs, ys, Name: name, LineColor: Color.fromString("steelblue"), LineWidth: 1.0);
        var chart = data is null ? arrows : CSharpChart.Combine([Points(data, "data", size: 2, color: "lightgray"), arrows]);
        chart = chart.WithEqualAxes();
        return title is null ? chart : chart.WithTitle(title);
    }

    /// <summary>
    /// The field of <paramref name="field"/> (a function of points [M, 2] returning vectors [M, 2], e.g. a trained score
    /// network at a fixed σ) on a <paramref name="gridSize"/> × <paramref name="gridSize"/> grid over
    /// [<paramref name="min"/>, <paramref name="max"/>]², evaluated without gradients on <paramref name="device"/> (the
    /// device of the network; default the CPU); see <see cref="ScoreField(Tensor, Tensor, double, Tensor?, string, string?)"/>.
    /// Arrows are 0.6 grid spacings long unless <paramref name="arrowLength"/> says otherwise.
    /// </summary>
    public static GenericChart ScoreField(Func<Tensor, Tensor> field, double min, double max, int gridSize = 20, double? arrowLength = null, Tensor? data = null,
        string name = "s(x)", string? title = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentOutOfRangeException.ThrowIfLessThan(gridSize, 2);
        if (!(max > min))
        {
            throw new ArgumentException($"the grid needs min < max, got [{min}, {max}]", nameof(max));
        }
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var axis = torch.linspace(min, max, gridSize, dtype: ScalarType.Float32, device: device ?? torch.CPU);
        var mesh = torch.meshgrid([axis, axis], indexing: "xy");
        var points = torch.stack([mesh[0].flatten(), mesh[1].flatten()], dim: 1);
        var vectors = field(points);
        return ScoreField(points, vectors, arrowLength ?? (0.6 * (max - min) / (gridSize - 1)), data, name, title);
    }
}
