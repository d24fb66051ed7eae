using Diffusion.Kernel;
using Diffusion.Kernel.Protocol;

if (args.Length != 1 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: dotnet Diffusion.Kernel.dll <connection_file>   (started by Jupyter)");
    return 2;
}
var connection = ConnectionInfo.Load(args[0]);
using var kernel = new KernelServer(connection, Directory.GetCurrentDirectory());
kernel.Run();
return 0;
