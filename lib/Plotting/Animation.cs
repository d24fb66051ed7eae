using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

public sealed partial class Figure
{
    /// <summary>Animation frames (played by the play button and the slider that <see cref="WithFrames"/> adds).</summary>
    public List<Frame> Frames { get; } = [];

    /// <summary>
    /// Adds animation <paramref name="frames"/> with a play/pause button and a slider (one step per frame).
    /// The figure's own traces are the starting picture; usually they equal the first frame's data.
    /// </summary>
    /// <param name="frames">The frames, in play order; names must be unique.</param>
    /// <param name="frameDurationMs">How long each frame shows while playing, in milliseconds.</param>
    /// <param name="transitionMs">Tween time between frames (0 for heatmaps/images, which cannot tween).</param>
    /// <param name="sliderPrefix">Text before the current frame name on the slider.</param>
    public Figure WithFrames(IEnumerable<Frame> frames, int frameDurationMs = 200, int transitionMs = 0, string sliderPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfNegative(frameDurationMs);
        ArgumentOutOfRangeException.ThrowIfNegative(transitionMs);
        var list = frames.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("an animation needs at least one frame", nameof(frames));
        }
        var dup = list.GroupBy(f => f.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null || Frames.Any(f => list.Any(n => n.Name == f.Name)))
        {
            throw new ArgumentException($"frame names must be unique; '{dup?.Key ?? "a name"}' appears twice", nameof(frames));
        }
        Frames.AddRange(list);
        Layout.UpdateMenus.RemoveAll(m => m["name"]?.GetValue<string>() == AnimationMenuName);
        Layout.Sliders.RemoveAll(m => m["name"]?.GetValue<string>() == AnimationMenuName);
        Layout.UpdateMenus.Add(PlayPauseButtons(frameDurationMs, transitionMs));
        Layout.Sliders.Add(FrameSlider(Frames, frameDurationMs, transitionMs, sliderPrefix));
        return this;
    }

    /// <summary>The name given to the play/pause menu and the slider, so <see cref="WithFrames"/> can replace them.</summary>
    internal const string AnimationMenuName = "animation";

    private static JsonObject AnimateOptions(int frameMs, int transitionMs, bool redraw, bool fromCurrent) => new()
    {
        ["frame"] = new JsonObject { ["duration"] = frameMs, ["redraw"] = redraw },
        ["transition"] = new JsonObject { ["duration"] = transitionMs },
        ["mode"] = "immediate",
        ["fromcurrent"] = fromCurrent,
    };

    private static JsonObject PlayPauseButtons(int frameMs, int transitionMs) => new()
    {
        ["name"] = AnimationMenuName,
        ["type"] = "buttons",
        ["direction"] = "left",
        ["showactive"] = false,
        ["x"] = 0.0,
        ["y"] = 0.0,
        ["xanchor"] = "right",
        ["yanchor"] = "top",
        ["pad"] = new JsonObject { ["t"] = 60, ["r"] = 10 },
        ["buttons"] = new JsonArray(
            new JsonObject
            {
                ["label"] = "▶ Play",
                ["method"] = "animate",
                ["args"] = new JsonArray(null, AnimateOptions(frameMs, transitionMs, true, true)),
            },
            new JsonObject
            {
                ["label"] = "❚❚ Pause",
                ["method"] = "animate",
                ["args"] = new JsonArray(new JsonArray((JsonNode?)null), AnimateOptions(0, 0, false, false)),
            }),
    };

    private static JsonObject FrameSlider(List<Frame> frames, int frameMs, int transitionMs, string prefix) => new()
    {
        ["name"] = AnimationMenuName,
        ["active"] = 0,
        ["x"] = 0.05,
        ["len"] = 0.95,
        ["y"] = 0.0,
        ["xanchor"] = "left",
        ["yanchor"] = "top",
        ["pad"] = new JsonObject { ["t"] = 50, ["b"] = 10 },
        ["currentvalue"] = new JsonObject { ["prefix"] = prefix, ["visible"] = true, ["xanchor"] = "right" },
        ["transition"] = new JsonObject { ["duration"] = transitionMs },
        ["steps"] = new JsonArray(frames.Select(f => (JsonNode?)new JsonObject
        {
            ["label"] = f.Name,
            ["method"] = "animate",
            ["args"] = new JsonArray(new JsonArray(JsonValue.Create(f.Name)), AnimateOptions(frameMs, transitionMs, true, false)),
        }).ToArray()),
    };
}
