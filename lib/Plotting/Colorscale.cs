namespace Diffusion.Plotting;

/// <summary>plotly.js's built-in colour scales (the names plotly.js knows; the same stops render PNG previews).</summary>
public enum Colorscale
{
    /// <summary>Black to white.</summary>
    [PlotName("Greys")] Greys,
    /// <summary>Dark blue to light yellow.</summary>
    [PlotName("YlGnBu")] YlGnBu,
    /// <summary>Dark to light green.</summary>
    [PlotName("Greens")] Greens,
    /// <summary>Dark red to light yellow.</summary>
    [PlotName("YlOrRd")] YlOrRd,
    /// <summary>Blue to red.</summary>
    [PlotName("Bluered")] Bluered,
    /// <summary>Blue through grey to red (diverging).</summary>
    [PlotName("RdBu")] RdBu,
    /// <summary>Grey to red.</summary>
    [PlotName("Reds")] Reds,
    /// <summary>Blue to grey.</summary>
    [PlotName("Blues")] Blues,
    /// <summary>Blue through white to red.</summary>
    [PlotName("Picnic")] Picnic,
    /// <summary>A rainbow.</summary>
    [PlotName("Rainbow")] Rainbow,
    /// <summary>Blue through yellow to red.</summary>
    [PlotName("Portland")] Portland,
    /// <summary>MATLAB's jet.</summary>
    [PlotName("Jet")] Jet,
    /// <summary>Black through red and yellow to white.</summary>
    [PlotName("Hot")] Hot,
    /// <summary>Black body radiation.</summary>
    [PlotName("Blackbody")] Blackbody,
    /// <summary>Earth tones.</summary>
    [PlotName("Earth")] Earth,
    /// <summary>Black through purple to pale yellow.</summary>
    [PlotName("Electric")] Electric,
    /// <summary>Perceptually uniform purple to yellow (the default here).</summary>
    [PlotName("Viridis")] Viridis,
    /// <summary>Perceptually uniform, colour-blind friendly blue to yellow.</summary>
    [PlotName("Cividis")] Cividis,
}

/// <summary>The colour stops of each <see cref="Colorscale"/>, copied from plotly.js 3.1.2, to colour PNG previews as plotly does.</summary>
internal static class ColorscaleStops
{
    /// <summary>The stops (position in [0,1], r, g, b) of a scale.</summary>
    internal static (double At, byte R, byte G, byte B)[] Of(Colorscale scale) => scale switch
    {
        Colorscale.Greys => [(0.0, 0, 0, 0), (1.0, 255, 255, 255)],
        Colorscale.YlGnBu => [(0.0, 8, 29, 88), (0.125, 37, 52, 148), (0.25, 34, 94, 168), (0.375, 29, 145, 192), (0.5, 65, 182, 196), (0.625, 127, 205, 187), (0.75, 199, 233, 180), (0.875, 237, 248, 217), (1.0, 255, 255, 217)],
        Colorscale.Greens => [(0.0, 0, 68, 27), (0.125, 0, 109, 44), (0.25, 35, 139, 69), (0.375, 65, 171, 93), (0.5, 116, 196, 118), (0.625, 161, 217, 155), (0.75, 199, 233, 192), (0.875, 229, 245, 224), (1.0, 247, 252, 245)],
        Colorscale.YlOrRd => [(0.0, 128, 0, 38), (0.125, 189, 0, 38), (0.25, 227, 26, 28), (0.375, 252, 78, 42), (0.5, 253, 141, 60), (0.625, 254, 178, 76), (0.75, 254, 217, 118), (0.875, 255, 237, 160), (1.0, 255, 255, 204)],
        Colorscale.Bluered => [(0.0, 0, 0, 255), (1.0, 255, 0, 0)],
        Colorscale.RdBu => [(0.0, 5, 10, 172), (0.35, 106, 137, 247), (0.5, 190, 190, 190), (0.6, 220, 170, 132), (0.7, 230, 145, 90), (1.0, 178, 10, 28)],
        Colorscale.Reds => [(0.0, 220, 220, 220), (0.2, 245, 195, 157), (0.4, 245, 160, 105), (1.0, 178, 10, 28)],
        Colorscale.Blues => [(0.0, 5, 10, 172), (0.35, 40, 60, 190), (0.5, 70, 100, 245), (0.6, 90, 120, 245), (0.7, 106, 137, 247), (1.0, 220, 220, 220)],
        Colorscale.Picnic => [(0.0, 0, 0, 255), (0.1, 51, 153, 255), (0.2, 102, 204, 255), (0.3, 153, 204, 255), (0.4, 204, 204, 255), (0.5, 255, 255, 255), (0.6, 255, 204, 255), (0.7, 255, 153, 255), (0.8, 255, 102, 204), (0.9, 255, 102, 102), (1.0, 255, 0, 0)],
        Colorscale.Rainbow => [(0.0, 150, 0, 90), (0.125, 0, 0, 200), (0.25, 0, 25, 255), (0.375, 0, 152, 255), (0.5, 44, 255, 150), (0.625, 151, 255, 0), (0.75, 255, 234, 0), (0.875, 255, 111, 0), (1.0, 255, 0, 0)],
        Colorscale.Portland => [(0.0, 12, 51, 131), (0.25, 10, 136, 186), (0.5, 242, 211, 56), (0.75, 242, 143, 56), (1.0, 217, 30, 30)],
        Colorscale.Jet => [(0.0, 0, 0, 131), (0.125, 0, 60, 170), (0.375, 5, 255, 255), (0.625, 255, 255, 0), (0.875, 250, 0, 0), (1.0, 128, 0, 0)],
        Colorscale.Hot => [(0.0, 0, 0, 0), (0.3, 230, 0, 0), (0.6, 255, 210, 0), (1.0, 255, 255, 255)],
        Colorscale.Blackbody => [(0.0, 0, 0, 0), (0.2, 230, 0, 0), (0.4, 230, 210, 0), (0.7, 255, 255, 255), (1.0, 160, 200, 255)],
        Colorscale.Earth => [(0.0, 0, 0, 130), (0.1, 0, 180, 180), (0.2, 40, 210, 40), (0.4, 230, 230, 50), (0.6, 120, 70, 20), (1.0, 255, 255, 255)],
        Colorscale.Electric => [(0.0, 0, 0, 0), (0.15, 30, 0, 100), (0.4, 120, 0, 100), (0.6, 160, 90, 0), (0.8, 230, 200, 0), (1.0, 255, 250, 220)],
        Colorscale.Viridis => [(0.0, 68, 1, 84), (0.06274509803921569, 72, 24, 106), (0.12549019607843137, 71, 45, 123), (0.18823529411764706, 66, 64, 134), (0.25098039215686274, 59, 82, 139), (0.3137254901960784, 51, 99, 141), (0.3764705882352941, 44, 114, 142), (0.4392156862745098, 38, 130, 142), (0.5019607843137255, 33, 145, 140), (0.5647058823529412, 31, 160, 136), (0.6274509803921569, 40, 174, 128), (0.6901960784313725, 63, 188, 115), (0.7529411764705882, 94, 201, 98), (0.8156862745098039, 132, 212, 75), (0.8784313725490196, 173, 220, 48), (0.9411764705882353, 216, 226, 25), (1.0, 253, 231, 37)],
        Colorscale.Cividis => [(0.0, 0, 32, 76), (0.058824, 0, 42, 102), (0.117647, 0, 52, 110), (0.176471, 39, 63, 108), (0.235294, 60, 74, 107), (0.294118, 76, 85, 107), (0.352941, 91, 95, 109), (0.411765, 104, 106, 112), (0.470588, 117, 117, 117), (0.529412, 131, 129, 120), (0.588235, 146, 140, 120), (0.647059, 161, 152, 118), (0.705882, 176, 165, 114), (0.764706, 192, 177, 109), (0.823529, 209, 191, 102), (0.882353, 225, 204, 92), (0.941176, 243, 219, 79), (1.0, 255, 233, 69)],
        _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, "unknown colour scale"),
    };

    /// <summary>The colour at <paramref name="t"/> in [0,1] (clamped), interpolated linearly in RGB as plotly.js does.</summary>
    internal static (byte R, byte G, byte B) Map((double At, byte R, byte G, byte B)[] stops, double t)
    {
        if (!double.IsFinite(t))
        {
            t = 0;
        }
        t = Math.Clamp(t, 0, 1);
        for (int i = 1; i < stops.Length; i++)
        {
            if (t <= stops[i].At)
            {
                var a = stops[i - 1];
                var b = stops[i];
                double f = b.At > a.At ? (t - a.At) / (b.At - a.At) : 0;
                return (Lerp(a.R, b.R, f), Lerp(a.G, b.G, f), Lerp(a.B, b.B, f));
            }
        }
        var last = stops[^1];
        return (last.R, last.G, last.B);
    }

    private static byte Lerp(byte a, byte b, double f) => (byte)Math.Round(a + ((b - a) * f));
}
