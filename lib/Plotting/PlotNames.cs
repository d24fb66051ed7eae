using System.Reflection;

namespace Diffusion.Plotting;

/// <summary>Marks the name plotly.js uses for an enum member (e.g. <c>"lines+markers"</c>).</summary>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class PlotNameAttribute(string name) : Attribute
{
    /// <summary>The plotly.js spelling.</summary>
    public string Name { get; } = name;
}

/// <summary>Maps enum members to plotly.js names: the <see cref="PlotNameAttribute"/> if present, else the lower-cased member name.</summary>
internal static class PlotNames
{
    internal static string Of(Enum value)
    {
        var name = value.ToString();
        var field = value.GetType().GetField(name, BindingFlags.Public | BindingFlags.Static);
        var attr = field?.GetCustomAttribute<PlotNameAttribute>();
        return attr?.Name ?? name.ToLowerInvariant();
    }
}
