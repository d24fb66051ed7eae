using Diffusion.Hosting;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace Diffusion.Plotting;

/// <summary>
/// The play/pause buttons and the frame slider of an animation, as Plotly.NET layout objects. Plotly.NET's typed
/// constructors pass slider arguments as dictionaries, but <c>Plotly.animate</c> takes positional arguments
/// (<c>[frameNames, options]</c>), so the <c>args</c> members are set directly.
/// </summary>
internal static class AnimationControls
{
    /// <summary>Pixels below the plot for the play/pause buttons and the slider.</summary>
    internal const int Height = 120;

    /// <summary>The narrowest figure the slider stays usable in, in pixels.</summary>
    internal const int MinWidth = 420;

    /// <summary>
    /// The layout with one play/pause menu and one slider that steps through <paramref name="frameNames"/>, and a bottom
    /// margin that holds them: the figure (of <paramref name="picture"/>'s size, 450 px high by default) grows by
    /// <see cref="Height"/> and is at least <see cref="MinWidth"/> wide.
    /// </summary>
    internal static Layout Layout(IReadOnlyList<string> frameNames, int frameMs, int transitionMs, string sliderPrefix, ChartSummary picture)
    {
        var layout = new Layout();
        var margin = new Margin();
        margin.SetProperty("b", Height);
        layout.SetProperty("margin", margin);
        layout.SetProperty("height", (picture.Height ?? 450) + Height);
        if (picture.Width is int width && width < MinWidth)
        {
            layout.SetProperty("width", MinWidth);
        }
        layout.SetProperty("updatemenus", new[] { PlayPause(frameMs, transitionMs) });
        layout.SetProperty("sliders", new[] { Slider(frameNames, frameMs, transitionMs, sliderPrefix) });
        return layout;
    }

    /// <summary><c>{frame: {duration, redraw: true}, transition: {duration}, mode: "immediate", fromcurrent}</c>.</summary>
    private static Dictionary<string, object> AnimateOptions(int frameMs, int transitionMs, bool redraw, bool fromCurrent) => new()
    {
        ["frame"] = new Dictionary<string, object> { ["duration"] = frameMs, ["redraw"] = redraw },
        ["transition"] = new Dictionary<string, object> { ["duration"] = transitionMs },
        ["mode"] = "immediate",
        ["fromcurrent"] = fromCurrent,
    };

    private static UpdateMenu PlayPause(int frameMs, int transitionMs)
    {
        var play = new UpdateMenuButton();
        play.SetProperty("label", "▶ Play");
        play.SetProperty("method", "animate");
        // null frames: play every frame from the current one.
        play.SetProperty("args", new object?[] { null, AnimateOptions(frameMs, transitionMs, redraw: true, fromCurrent: true) });
        var pause = new UpdateMenuButton();
        pause.SetProperty("label", "❚❚ Pause");
        pause.SetProperty("method", "animate");
        // [null] frames with zero duration: stop where the animation is.
        pause.SetProperty("args", new object?[] { new object?[] { null }, AnimateOptions(0, 0, redraw: false, fromCurrent: false) });

        var menu = new UpdateMenu();
        menu.SetProperty("type", "buttons");
        menu.SetProperty("direction", "left");
        menu.SetProperty("showactive", false);
        menu.SetProperty("x", 0.0);
        menu.SetProperty("y", 0.0);
        menu.SetProperty("xanchor", "right");
        menu.SetProperty("yanchor", "top");
        menu.SetProperty("pad", new Dictionary<string, object> { ["t"] = 60, ["r"] = 10 });
        menu.SetProperty("buttons", new[] { play, pause });
        return menu;
    }

    private static Slider Slider(IReadOnlyList<string> frameNames, int frameMs, int transitionMs, string prefix)
    {
        var steps = frameNames.Select(name =>
        {
            var step = new SliderStep();
            step.SetProperty("label", name);
            step.SetProperty("method", "animate");
            step.SetProperty("args", new object[] { new[] { name }, AnimateOptions(frameMs, transitionMs, redraw: true, fromCurrent: false) });
            return step;
        }).ToArray();
        var current = new SliderCurrentValue();
        current.SetProperty("prefix", prefix);
        current.SetProperty("visible", true);
        current.SetProperty("xanchor", "right");

        var slider = new Slider();
        slider.SetProperty("active", 0);
        slider.SetProperty("x", 0.05);
        slider.SetProperty("len", 0.95);
        slider.SetProperty("y", 0.0);
        slider.SetProperty("xanchor", "left");
        slider.SetProperty("yanchor", "top");
        slider.SetProperty("pad", new Dictionary<string, object> { ["t"] = 50, ["b"] = 10 });
        slider.SetProperty("currentvalue", current);
        slider.SetProperty("transition", new Dictionary<string, object> { ["duration"] = transitionMs });
        slider.SetProperty("steps", steps);
        return slider;
    }
}
