using System.Text.RegularExpressions;

namespace Diffusion.Kernel.References;

/// <summary>
/// A NuGet package named by a cell's <c>#r "nuget: Name, Version"</c>, as in .NET Interactive. Without a version the latest
/// stable one is taken; a plain version is exact (<c>13.0.1</c> means 13.0.1, not "13.0.1 or later"); NuGet's ranges
/// (<c>[1.0,2.0)</c>) and floating versions (<c>6.*</c>) are passed to NuGet as they are.
/// </summary>
internal sealed partial record PackageReference(string Name, string? Version)
{
    private const string Prefix = "nuget:";

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]*$")]
    private static partial Regex PackageId();

    [GeneratedRegex(@"^[0-9A-Za-z.+*\-\[\]() ,]+$")]
    private static partial Regex VersionText();

    /// <summary>True when an <c>#r</c> argument names a NuGet package (starts with <c>nuget:</c>).</summary>
    public static bool IsPackage(string reference) => reference.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>nuget: Name, Version</c> (or <c>nuget: Name</c>); on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string reference, out PackageReference package, out string error)
    {
        package = new PackageReference("", null);
        var text = reference.Trim();
        text = text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? text[Prefix.Length..].Trim() : text;
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        var name = (comma < 0 ? text : text[..comma]).Trim();
        var version = comma < 0 ? null : text[(comma + 1)..].Trim();
        const string Example = "as in #r \"nuget: Newtonsoft.Json, 13.0.1\"";
        if (!PackageId().IsMatch(name))
        {
            error = name.Length == 0
                ? $"#r \"{reference}\" names no package; write #r \"nuget: Name, Version\", {Example}."
                : $"#r \"{reference}\": '{name}' is not a NuGet package id (letters, digits, '.', '_', '-'); {Example}.";
            return false;
        }
        if (version is not null && (version.Length == 0 || !VersionText().IsMatch(version)))
        {
            error = $"#r \"{reference}\": '{version}' is not a NuGet version; give one such as 13.0.1 (or leave it out for the latest), {Example}.";
            return false;
        }
        package = new PackageReference(name, version);
        error = "";
        return true;
    }

    /// <summary>The version as a PackageReference's Version attribute: exact for a plain version, "*" for none.</summary>
    public string VersionRange => Version switch
    {
        null => "*",
        _ when Version.IndexOfAny(['[', '(', '*']) >= 0 => Version,
        _ => $"[{Version}]",
    };

    /// <summary>True when the version can change from one restore to the next (none given, floating, or a range).</summary>
    public bool IsFloating => Version is null || Version.IndexOfAny(['[', '(', '*']) >= 0;

    /// <summary>The directive as a user writes it.</summary>
    public string Directive => Version is null ? $"#r \"nuget: {Name}\"" : $"#r \"nuget: {Name}, {Version}\"";

    /// <inheritdoc/>
    public override string ToString() => Version is null ? Name : $"{Name} {Version}";
}
