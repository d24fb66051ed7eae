using System.Text.Json;
using Diffusion.Hosting;
using Diffusion.Plotting;
using Plotly.NET;

namespace Diffusion.Tests.Plotting;

/// <summary>Reads a chart's plotly JSON (<see cref="ChartJson.Figure"/>) back with System.Text.Json.</summary>
internal static class ChartJsonAssert
{
    /// <summary>The figure object: data, layout, frames, config.</summary>
    internal static JsonElement Figure(GenericChart chart) => Parse(ChartJson.Figure(chart));

    /// <summary>The figure object of an animation.</summary>
    internal static JsonElement Figure(AnimatedChart animation) => Parse(animation.ToFigureJson());

    /// <summary>Trace <paramref name="index"/> of the chart.</summary>
    internal static JsonElement Trace(GenericChart chart, int index = 0) => Figure(chart).GetProperty("data")[index];

    /// <summary>The chart's layout.</summary>
    internal static JsonElement Layout(GenericChart chart) => Figure(chart).GetProperty("layout");

    /// <summary>A JSON array of numbers as doubles ("NaN" strings, which plotly.js draws as gaps, as NaN).</summary>
    internal static double[] Doubles(JsonElement array) =>
        array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : v.GetDouble()).ToArray();

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
