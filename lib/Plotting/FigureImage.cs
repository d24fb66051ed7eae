using Diffusion.IO;

namespace Diffusion.Plotting;

/// <summary>
/// A static PNG preview of a figure's heatmaps and images (for viewers that do not run JavaScript): each
/// image-like trace is coloured as plotly colours it and placed in its subplot cell, enlarged with
/// nearest-neighbour pixels so small images (28×28) stay visible.
/// </summary>
internal static class FigureImage
{
    private const int MinCellSize = 160;
    private const int Gap = 4;

    /// <summary>The PNG bytes, or null when the figure has no heatmap or image.</summary>
    internal static byte[]? Render(Figure figure)
    {
        var cells = new Dictionary<int, PngImage>();
        foreach (var t in figure.Traces.Where(t => t.IsImageLike))
        {
            int k = Layout.AxisIndex(t.YAxis);
            if (!cells.ContainsKey(k))
            {
                cells[k] = ToImage(t, figure.Layout.YAxis(k).Reversed);
            }
        }
        if (cells.Count == 0)
        {
            return null;
        }
        int cols = figure.GridCols > 0 ? figure.GridCols : 1;
        int rows = figure.GridRows > 0 ? figure.GridRows : 1;
        if (figure.GridRows == 0)
        {
            cells = new() { [1] = cells.OrderBy(c => c.Key).First().Value };
        }
        int cellW = cells.Values.Max(i => i.Width), cellH = cells.Values.Max(i => i.Height);
        int scale = Math.Max(1, MinCellSize / Math.Max(cellW, cellH));
        int usedRows = cells.Keys.Max(k => ((k - 1) / cols) + 1);
        rows = Math.Min(rows, usedRows);
        int outW = (cols * cellW * scale) + ((cols - 1) * Gap), outH = (rows * cellH * scale) + ((rows - 1) * Gap);
        var pixels = new byte[outW * outH * 3];
        Array.Fill(pixels, (byte)255);
        foreach (var (k, img) in cells)
        {
            int r = (k - 1) / cols, c = (k - 1) % cols;
            Blit(img, pixels, outW, c * ((cellW * scale) + Gap), r * ((cellH * scale) + Gap), scale);
        }
        return Png.Encode(new PngImage(outW, outH, 3, pixels));
    }

    private static void Blit(PngImage img, byte[] dst, int dstW, int left, int top, int scale)
    {
        for (int y = 0; y < img.Height * scale; y++)
        {
            for (int x = 0; x < img.Width * scale; x++)
            {
                int o = (((top + y) * dstW) + left + x) * 3;
                int sx = x / scale, sy = y / scale;
                if (img.Channels >= 3)
                {
                    dst[o] = img[sx, sy, 0];
                    dst[o + 1] = img[sx, sy, 1];
                    dst[o + 2] = img[sx, sy, 2];
                }
                else
                {
                    dst[o] = dst[o + 1] = dst[o + 2] = img[sx, sy, 0];
                }
            }
        }
    }

    /// <summary>One trace as an RGB (or decoded) image, row 0 at the top.</summary>
    private static PngImage ToImage(Trace trace, bool yReversed) => trace switch
    {
        HeatmapTrace h => Heatmap(h, yReversed),
        ImageTrace { Png: byte[] png } => Png.Decode(png),
        ImageTrace { Rgb: byte[,,] rgb } => Rgb(rgb),
        _ => throw new NotSupportedException($"no PNG preview for {trace.Type} traces"),
    };

    /// <summary>
    /// Colours a heatmap: t = (z − zmin)/(zmax − zmin) through the colour scale (reversed if asked);
    /// NaN cells are white (plotly leaves them transparent). Plotly draws row 0 at the bottom unless y is reversed.
    /// </summary>
    internal static PngImage Heatmap(HeatmapTrace h, bool yReversed)
    {
        var stops = ColorscaleStops.Of(h.Colorscale);
        var (lo, hi) = h.ColorRange();
        double span = hi > lo ? hi - lo : 1;
        int rows = h.Z.Length, cols = h.Z[0].Length;
        var pixels = new byte[rows * cols * 3];
        for (int r = 0; r < rows; r++)
        {
            int outRow = yReversed ? r : rows - 1 - r;
            for (int c = 0; c < cols; c++)
            {
                double v = h.Z[r][c];
                int o = ((outRow * cols) + c) * 3;
                if (!double.IsFinite(v))
                {
                    pixels[o] = pixels[o + 1] = pixels[o + 2] = 255;
                    continue;
                }
                double t = (v - lo) / span;
                var (R, G, B) = ColorscaleStops.Map(stops, h.ReverseScale ? 1 - t : t);
                pixels[o] = R;
                pixels[o + 1] = G;
                pixels[o + 2] = B;
            }
        }
        return new PngImage(cols, rows, 3, pixels);
    }

    private static PngImage Rgb(byte[,,] rgb)
    {
        int rows = rgb.GetLength(0), cols = rgb.GetLength(1);
        var pixels = new byte[rows * cols * 3];
        Buffer.BlockCopy(rgb, 0, pixels, 0, pixels.Length);
        return new PngImage(cols, rows, 3, pixels);
    }
}
