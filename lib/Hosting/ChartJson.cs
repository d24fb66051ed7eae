using Microsoft.FSharp.Collections;
using Newtonsoft.Json;
using Plotly.NET;

namespace Diffusion.Hosting;

/// <summary>
/// Plotly.NET's JSON for a chart, made safe to place inside an HTML <c>script</c> element: what
/// <c>Plotly.newPlot(div, figure)</c> takes.
/// </summary>
/// <remarks>
/// The objects are serialized by Newtonsoft.Json as Plotly.NET does (<c>Globals.JSON_CONFIG</c>), and in addition
/// <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> and quotes inside strings are written as <c>\u003c</c> etc., so a title such
/// as <c>&lt;/script&gt;</c> cannot end the script early. Non-finite numbers are written as the strings
/// <c>"NaN"</c>, <c>"Infinity"</c>, which plotly.js treats as gaps.
/// </remarks>
public static class ChartJson
{
    private static readonly JsonSerializerSettings Settings = new()
    {
        ReferenceLoopHandling = ReferenceLoopHandling.Serialize,
        StringEscapeHandling = StringEscapeHandling.EscapeHtml,
    };

    /// <summary>
    /// The figure as plotly.js takes it: <c>{"data": [...], "layout": {...}, "frames": [...], "config": {...}}</c>.
    /// </summary>
    /// <param name="chart">The chart (its traces, layout and config).</param>
    /// <param name="frames">Animation frames (see <c>Diffusion.Plotting.AnimatedChart</c>), or none.</param>
    public static string Figure(GenericChart chart, IEnumerable<Frame>? frames = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var figure = new Figure(GenericChart.getTraces(chart), GenericChart.getLayout(chart), ListModule.OfSeq(frames ?? []));
        var json = Serialize(figure);
        // Append the config as a fourth member: {"data":…,"frames":[…]} → {"data":…,"frames":[…],"config":{…}}.
        return json[..^1] + ",\"config\":" + Serialize(GenericChart.getConfig(chart)) + "}";
    }

    /// <summary>Any Plotly.NET object (a trace, a layout, a frame) as script-safe JSON.</summary>
    public static string Serialize(object value) => JsonConvert.SerializeObject(value, Settings);
}
