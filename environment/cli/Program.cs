using Diffusion.Cli;

// The course tool: `dotnet run --project environment/cli -- COMMAND [options]`; `--help` on any command says what it takes.
return CourseTool.Run(args);
