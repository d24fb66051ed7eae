"""Shared set-up of the kernel tests: which kernelspec to run.

By default the tests run the kernel built in this checkout through a temporary kernelspec (so they test
this build even when another build is installed as `diffusion-csharp`). Set DIFFUSION_KERNEL_NAME=diffusion-csharp
to test the installed kernelspec instead.
"""
import atexit
import json
import os
import shutil
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL_DIR = os.path.dirname(HERE)
DLL = os.path.join(KERNEL_DIR, "bin", "Release", "net10.0", "Diffusion.Kernel.dll")
TEST_KERNEL_NAME = "diffusion-csharp-test"


def skip_or_fail(test, reason):
    """Skips a test whose host tool is missing, with the reason; under CI=true fails instead, so CI cannot hide a missing install."""
    if os.environ.get("CI", "").lower() == "true":
        test.fail(reason + " (CI=true: a missing install fails the test)")
    test.skipTest(reason)


def kernel_name():
    name = os.environ.get("DIFFUSION_KERNEL_NAME")
    if name:
        return name
    if not os.path.exists(DLL):
        raise RuntimeError(f"the kernel is not built: {DLL} (run `dotnet run --project environment/cli -- setup`)")
    root = tempfile.mkdtemp(prefix="diffusion-kernelspec-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    spec_dir = os.path.join(root, "kernels", TEST_KERNEL_NAME)
    os.makedirs(spec_dir)
    with open(os.path.join(KERNEL_DIR, "kernel.json"), encoding="utf-8") as f:
        spec = json.load(f)
    spec["argv"] = [shutil.which("dotnet") or "dotnet", DLL, "{connection_file}"]
    with open(os.path.join(spec_dir, "kernel.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f)
    os.environ["JUPYTER_PATH"] = root + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    return TEST_KERNEL_NAME


KERNEL_NAME = kernel_name()
