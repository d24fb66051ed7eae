using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

/// <summary>
/// An RGB image (plotly <c>image</c>): either a PNG given as a data URI (<see cref="Source"/>) or raw pixels
/// (<see cref="Rgb"/>, written as plotly's <c>z[row][col][channel]</c>). Row 0 is the top, as in images.
/// </summary>
public sealed class ImageTrace : Trace
{
    /// <summary>An image from a PNG file's bytes.</summary>
    public ImageTrace(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        Png = png;
    }

    /// <summary>An image from RGB pixels <c>rgb[row, col, channel]</c> (channel 0..2).</summary>
    public ImageTrace(byte[,,] rgb)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.GetLength(2) != 3)
        {
            throw new ArgumentException($"expected [rows, cols, 3] RGB pixels but the last dimension is {rgb.GetLength(2)}", nameof(rgb));
        }
        Rgb = rgb;
    }

    /// <inheritdoc/>
    public override string Type => "image";

    /// <inheritdoc/>
    public override bool IsImageLike => true;

    /// <summary>The PNG bytes when the image came from a PNG (written as a data URI).</summary>
    public byte[]? Png { get; }

    /// <summary>The pixels when the image came from raw RGB values.</summary>
    public byte[,,]? Rgb { get; }

    /// <summary>The PNG as a <c>data:image/png;base64,…</c> URI, or null for raw pixels.</summary>
    public string? Source => Png is null ? null : "data:image/png;base64," + Convert.ToBase64String(Png);

    /// <summary>Creates an image trace from a <c>data:image/png;base64,…</c> URI.</summary>
    public static ImageTrace FromDataUri(string dataUri)
    {
        const string prefix = "data:image/png;base64,";
        ArgumentNullException.ThrowIfNull(dataUri);
        if (!dataUri.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"expected a PNG data URI starting with '{prefix}'", nameof(dataUri));
        }
        return new ImageTrace(Convert.FromBase64String(dataUri[prefix.Length..]));
    }

    /// <inheritdoc/>
    protected override void WriteProperties(JsonObject o)
    {
        if (Png is not null)
        {
            o["source"] = Source;
            return;
        }
        var img = Rgb!;
        int rows = img.GetLength(0), cols = img.GetLength(1);
        var z = new JsonArray();
        for (int r = 0; r < rows; r++)
        {
            var row = new JsonArray();
            for (int c = 0; c < cols; c++)
            {
                row.Add(new JsonArray(JsonValue.Create(img[r, c, 0]), JsonValue.Create(img[r, c, 1]), JsonValue.Create(img[r, c, 2])));
            }
            z.Add(row);
        }
        o["z"] = z;
        o["colormodel"] = "rgb";
    }
}
