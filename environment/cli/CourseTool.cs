using System.CommandLine;
using Diffusion.Cli.Commands;
using Diffusion.Data;
using Diffusion.Engine;

namespace Diffusion.Cli;

/// <summary>
/// The root of the course tool: its commands, and the one rule for what a user typed wrong (a one-line error naming the
/// option and what it takes, then exit 2) and for what went wrong while running (a one-line error, exit 1).
/// </summary>
internal static class CourseTool
{
    /// <summary>How the README and the model cards write a call of the tool.</summary>
    public const string Invocation = "dotnet run --project environment/cli --";

    /// <summary>The exit code of a bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build() =>
        new("The diffusion course's tool: set-up, training, sampling and evaluation of the course's models.\n" +
            "Run it from the repository as `" + Invocation + " COMMAND`; `COMMAND --help` says what each one takes.")
        {
            SetupCommand.Create(),
            TrainCommand.Create(),
            SampleCommand.Create(),
            EvaluateCommand.Create(),
            TrainFidCommand.Create(),
            KernelCommand.Create(),
            DoctorCommand.Create(),
        };

    /// <summary>The command line of this run as a user would type it (recorded in the tables and model cards it writes).</summary>
    public static string CommandLine { get; private set; } = Invocation;

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the process's exit code. Errors go to
    /// <paramref name="error"/> (default standard error), help to <paramref name="output"/> (default standard output).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        error ??= Console.Error;
        CommandLine = Invocation + " " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
        var root = Build();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command is RootCommand ? "diffusion" : $"diffusion {CommandPath(parsed.CommandResult.Command)}";
            // "Required command was not provided" comes first when a misspelt command was also given: name the misspelling.
            var first = parsed.Errors.Count > 1 && parsed.CommandResult.Command.Subcommands.Count > 0 ? parsed.Errors[^1] : parsed.Errors[0];
            string message = string.Join(" ", first.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            error.WriteLine($"{command}: {message} (see {command.Replace("diffusion", Invocation, StringComparison.Ordinal)} --help)");
            return UsageError;
        }
        try
        {
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error };
            if (output is not null)
            {
                configuration.Output = output;
            }
            return parsed.Invoke(configuration);
        }
        catch (UsageException e)
        {
            error.WriteLine($"diffusion {CommandPath(parsed.CommandResult.Command)}: {e.Message}");
            return UsageError;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or ArgumentException or EngineLoadException
            or UnauthorizedAccessException or OperationCanceledException)
        {
            // DataMissingException is an IOException: its message already says how to get the data.
            error.WriteLine($"diffusion {CommandPath(parsed.CommandResult.Command)}: {e.Message}");
            return e is OperationCanceledException ? 130 : 1;
        }
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }
        return string.Join(' ', names);
    }
}

/// <summary>A command line that parsed but makes no sense (e.g. a sampler the model does not take): exit 2 with the message.</summary>
internal sealed class UsageException(string message) : Exception(message);
