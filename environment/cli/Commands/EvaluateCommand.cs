using System.CommandLine;
using Diffusion.Cli.Commands.Evaluate;

namespace Diffusion.Cli.Commands;

/// <summary><c>evaluate</c>: measures the shipped models and writes the notebooks' tables to data/results/*.json, one subcommand per table.</summary>
internal static class EvaluateCommand
{
    public static Command Create() =>
        new("evaluate", "Measure the shipped models and write the notebooks' tables (data/results/*.json): cold (notebook 06), inverse (05), sde (04).")
        {
            ColdTable.Create(),
            InverseTable.Create(),
            SdeTable.Create(),
        };
}
