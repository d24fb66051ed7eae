namespace Diffusion.Plotting;

/// <summary>
/// The course's figure helpers: thin builders of Plotly.NET charts for what the notebooks draw often — image grids
/// (<see cref="ImageGrid"/>), animations with a slider (<see cref="Animation"/>, <c>Trajectory</c>), point panels (<see cref="PointPanels"/>), 2-D point
/// clouds (<see cref="Points(TorchSharp.torch.Tensor, string?, int, string?, bool)"/>), score fields
/// (<see cref="ScoreField(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, double, TorchSharp.torch.Tensor?, string, string?)"/>),
/// loss and KL curves (<see cref="LossCurve"/>, <see cref="Curves"/>) and result tables (<see cref="Table"/>).
/// Everything else is Plotly.NET's own C# API (<c>Plotly.NET.CSharp.Chart.Line</c>, <c>Chart.Combine</c>, <c>Chart.Grid</c> …),
/// styled with its <c>With…</c> methods and <see cref="ChartStyle"/>. A cell that ends with a chart shows it, offline.
/// </summary>
public static partial class Figures
{
}
