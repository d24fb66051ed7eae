namespace Diffusion.Hosting;

/// <summary>
/// .NET Interactive's formatters for any type with a <c>ToMimeBundle()</c> (see <see cref="TypeFormatterSourceAttribute"/>)
/// or a formatter in <see cref="NotebookFormatters"/>: one per MIME type a bundle may hold. Each writes the object's bundle
/// entry of its MIME type; text/html falls back to the bundle's image or text (<see cref="MimeBundles.ToHtml"/>), so the
/// default display shows images too.
/// </summary>
public sealed class MimeBundleFormatterSource
{
    /// <summary>The MIME types that get a formatter.</summary>
    public static readonly IReadOnlyList<string> MimeTypes =
    [
        "text/html", "text/plain", "text/markdown", "text/latex", "image/png", "image/jpeg", "image/gif", "image/svg+xml",
        "application/json", "application/vnd.plotly.v1+json",
    ];

    /// <summary>The formatters, found by name by .NET Interactive.</summary>
    public IEnumerable<MimeBundleFormatter> CreateTypeFormatters() => MimeTypes.Select(m => new MimeBundleFormatter(m));
}

/// <summary>
/// Writes one MIME type of an object's bundle. .NET Interactive reads <see cref="MimeType"/> and calls
/// <see cref="Format"/>; without a <c>Type</c> member it formats the type that carries the attribute.
/// </summary>
/// <param name="mimeType">The MIME type this formatter writes.</param>
public sealed class MimeBundleFormatter(string mimeType)
{
    /// <summary>The MIME type this formatter writes.</summary>
    public string MimeType { get; } = mimeType;

    /// <summary>Writes the object's representation in <see cref="MimeType"/>; false when it has none.</summary>
    public bool Format(object instance, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (NotebookFormatters.TryFormat(instance) is not { } bundle)
        {
            return false;
        }
        if (bundle.TryGetValue(MimeType, out var text))
        {
            writer.Write(text);
            return true;
        }
        if (MimeType == "text/html")
        {
            writer.Write(MimeBundles.ToHtml(bundle));
            return true;
        }
        return false;
    }
}
