namespace Diffusion.Tests.Plotting;

/// <summary>Tests that change process-wide state (NotebookHost.Display, the plotly.js injection flag, environment variables) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class NotebookStateCollection
{
    public const string Name = "Plotting notebook state";
}
