namespace Diffusion.Kernel.Display;

/// <summary>HTML to show as such (<c>display(HTML("&lt;b&gt;hi&lt;/b&gt;"))</c>), as .NET Interactive's <c>HTML(...)</c> does.</summary>
public sealed class HtmlContent
{
    internal HtmlContent(string html)
    {
        Html = html;
    }

    /// <summary>The HTML text.</summary>
    public string Html { get; }

    /// <summary>The MIME bundle: text/html, and the same text as text/plain.</summary>
    public IReadOnlyDictionary<string, string> ToMimeBundle() =>
        new Dictionary<string, string> { ["text/html"] = Html, ["text/plain"] = Html };

    /// <inheritdoc/>
    public override string ToString() => Html;
}
