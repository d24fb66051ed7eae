namespace Diffusion.Plotting;

/// <summary>
/// One named line of <see cref="Figures.Curves"/>: values <see cref="Y"/> at <see cref="X"/> (or at 0, 1, 2, … when X is
/// null, as for a loss per step), with an optional CSS colour and a dashed style.
/// </summary>
/// <param name="Name">The legend name.</param>
/// <param name="Y">The values.</param>
/// <param name="X">Where the values lie, one per value; null for 0, 1, 2, ….</param>
/// <param name="Color">A CSS colour, or null for the next colour of the palette.</param>
/// <param name="Dashed">Draw the line dashed (e.g. an estimate beside its reference).</param>
public sealed record Curve(string Name, IReadOnlyList<double> Y, IReadOnlyList<double>? X = null, string? Color = null, bool Dashed = false);
