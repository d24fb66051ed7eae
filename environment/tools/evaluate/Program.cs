using Diffusion.Engine;
using Diffusion.Evaluate;

// The evaluation command: one subcommand per notebook's table, each writing data/results/<name>.json.
//   environment/evaluate.sh cold [--models DIR] [--images N] [--generate N] [--seed S] [--threads N] [--checkpoint] [--out FILE]
//   environment/evaluate.sh inverse [--model DIR] [--images N] [--validation N] [--threads N] [--out FILE]
//   environment/evaluate.sh sde [--model DIR] [--samples N] [--samplers LIST] [--threads N] [--out FILE]
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(ColdCommand.Usage + "\n" + InverseCommand.Usage + "\n" + SdeCommand.Usage);
    return args.Length == 0 ? 2 : 0;
}
try
{
    return args[0] switch
    {
        "cold" => ColdCommand.Run(args[1..]),
        "inverse" => InverseCommand.Run(args[1..]),
        "sde" => SdeCommand.Run(args[1..]),
        _ => Fail($"unknown table '{args[0]}': use cold, inverse or sde\n{ColdCommand.Usage}\n{InverseCommand.Usage}\n{SdeCommand.Usage}"),
    };
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException or Diffusion.Data.DataMissingException or EngineLoadException)
{
    return Fail($"evaluate: {e.Message}");
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
