using System.Text.Json;
using Diffusion.Plotting;

namespace Diffusion.Tests.Plotting;

/// <summary>Parses figure JSON back for structural assertions.</summary>
internal static class PlotJsonAssert
{
    public static JsonElement Parse(Figure figure) => JsonDocument.Parse(figure.ToJson()).RootElement.Clone();

    public static JsonElement Trace(Figure figure, int index = 0) => Parse(figure).GetProperty("data")[index];

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
