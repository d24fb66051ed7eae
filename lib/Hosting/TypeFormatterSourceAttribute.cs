namespace Diffusion.Hosting;

/// <summary>
/// Tells .NET Interactive (Polyglot Notebooks) how to show a type without this library referencing its packages: its
/// formatter discovery looks for an attribute of this name, in any namespace, with a <see cref="FormatterSourceType"/>,
/// creates that type and calls its <c>CreateTypeFormatters()</c> (convention checked against
/// Microsoft.DotNet.Interactive.Formatting in Microsoft.dotnet-interactive 1.0.712001). Put
/// <c>[TypeFormatterSource(typeof(MimeBundleFormatterSource))]</c> on every type with a <c>ToMimeBundle()</c>.
/// </summary>
/// <param name="formatterSourceType">A type with a public parameterless constructor and a public <c>CreateTypeFormatters()</c>.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = true)]
public sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    /// <summary>The formatter source that .NET Interactive creates.</summary>
    public Type FormatterSourceType { get; } = formatterSourceType;
}
