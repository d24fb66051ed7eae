using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

/// <summary>A figure's layout: title, size, legend, axes, annotations, and anything else by path (<see cref="Set"/>).</summary>
public sealed class Layout
{
    private readonly SortedDictionary<int, Axis> _xAxes = new();
    private readonly SortedDictionary<int, Axis> _yAxes = new();
    private JsonObject _extra = new();

    /// <summary>The figure title.</summary>
    public string? Title { get; set; }

    /// <summary>Width in pixels (null: fill the container).</summary>
    public int? Width { get; set; }

    /// <summary>Height in pixels (null: plotly's default, 450).</summary>
    public int? Height { get; set; }

    /// <summary>Show the legend (null: plotly decides, shown for two or more traces).</summary>
    public bool? ShowLegend { get; set; }

    /// <summary>How bars and histograms share positions.</summary>
    public BarMode? BarMode { get; set; }

    /// <summary>Text annotations (plotly <c>layout.annotations</c>), e.g. subplot titles.</summary>
    public List<JsonObject> Annotations { get; } = [];

    /// <summary>Buttons and dropdowns (plotly <c>layout.updatemenus</c>), e.g. the animation's play/pause.</summary>
    public List<JsonObject> UpdateMenus { get; } = [];

    /// <summary>Sliders (plotly <c>layout.sliders</c>), e.g. the animation's frame slider.</summary>
    public List<JsonObject> Sliders { get; } = [];

    /// <summary>The x axis with number <paramref name="index"/> (1 is <c>xaxis</c>, 2 is <c>xaxis2</c>…), created on first use.</summary>
    public Axis XAxis(int index = 1) => GetAxis(_xAxes, index);

    /// <summary>The y axis with number <paramref name="index"/> (1 is <c>yaxis</c>, 2 is <c>yaxis2</c>…), created on first use.</summary>
    public Axis YAxis(int index = 1) => GetAxis(_yAxes, index);

    /// <summary>The numbers of the x axes configured so far.</summary>
    public IReadOnlyCollection<int> XAxisIndices => _xAxes.Keys;

    /// <summary>The numbers of the y axes configured so far.</summary>
    public IReadOnlyCollection<int> YAxisIndices => _yAxes.Keys;

    /// <summary>Sets any plotly layout attribute by dotted path (<c>Set("legend.x", 0.1)</c>); returns this layout.</summary>
    public Layout Set(string path, object? value)
    {
        PlotJson.SetPath(_extra, path, value);
        return this;
    }

    /// <summary>A deep copy.</summary>
    public Layout Clone()
    {
        var copy = new Layout
        {
            Title = Title,
            Width = Width,
            Height = Height,
            ShowLegend = ShowLegend,
            BarMode = BarMode,
            _extra = (JsonObject)_extra.DeepClone(),
        };
        foreach (var (i, a) in _xAxes)
        {
            copy._xAxes[i] = a.Clone();
        }
        foreach (var (i, a) in _yAxes)
        {
            copy._yAxes[i] = a.Clone();
        }
        copy.Annotations.AddRange(Annotations.Select(a => (JsonObject)a.DeepClone()));
        copy.UpdateMenus.AddRange(UpdateMenus.Select(a => (JsonObject)a.DeepClone()));
        copy.Sliders.AddRange(Sliders.Select(a => (JsonObject)a.DeepClone()));
        return copy;
    }

    /// <summary>The plotly axis id for an index: 1 → <c>"x"</c>, 2 → <c>"x2"</c>.</summary>
    public static string AxisId(char letter, int index) => index <= 1 ? letter.ToString() : $"{letter}{index}";

    /// <summary>The axis index of a plotly axis id: <c>"x"</c> → 1, <c>"y3"</c> → 3.</summary>
    public static int AxisIndex(string id) => id.Length <= 1 ? 1 : int.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The layout as plotly JSON.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        if (Title is not null)
        {
            o["title"] = new JsonObject { ["text"] = Title };
        }
        if (Width is int w)
        {
            o["width"] = w;
        }
        if (Height is int h)
        {
            o["height"] = h;
        }
        if (ShowLegend is bool show)
        {
            o["showlegend"] = show;
        }
        if (BarMode is BarMode mode)
        {
            o["barmode"] = PlotNames.Of(mode);
        }
        foreach (var (i, a) in _xAxes)
        {
            o[i <= 1 ? "xaxis" : $"xaxis{i}"] = a.ToJson();
        }
        foreach (var (i, a) in _yAxes)
        {
            o[i <= 1 ? "yaxis" : $"yaxis{i}"] = a.ToJson();
        }
        AddList(o, "annotations", Annotations);
        AddList(o, "updatemenus", UpdateMenus);
        AddList(o, "sliders", Sliders);
        PlotJson.Merge(o, _extra);
        return o;
    }

    /// <summary>Copies everything <paramref name="other"/> sets into this layout (its values win).</summary>
    internal void MergeFrom(Layout other)
    {
        Title = other.Title ?? Title;
        Width = other.Width ?? Width;
        Height = other.Height ?? Height;
        ShowLegend = other.ShowLegend ?? ShowLegend;
        BarMode = other.BarMode ?? BarMode;
        foreach (var (i, a) in other._xAxes)
        {
            _xAxes[i] = a.Clone();
        }
        foreach (var (i, a) in other._yAxes)
        {
            _yAxes[i] = a.Clone();
        }
        Annotations.AddRange(other.Annotations.Select(a => (JsonObject)a.DeepClone()));
        UpdateMenus.AddRange(other.UpdateMenus.Select(a => (JsonObject)a.DeepClone()));
        Sliders.AddRange(other.Sliders.Select(a => (JsonObject)a.DeepClone()));
        PlotJson.Merge(_extra, other._extra);
    }

    private static void AddList(JsonObject o, string key, List<JsonObject> items)
    {
        if (items.Count > 0)
        {
            o[key] = new JsonArray(items.Select(i => (JsonNode?)i.DeepClone()).ToArray());
        }
    }

    private static Axis GetAxis(SortedDictionary<int, Axis> axes, int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        if (!axes.TryGetValue(index, out var axis))
        {
            axis = new Axis();
            axes[index] = axis;
        }
        return axis;
    }
}
