"""TorchSharp's temporaries under both kernels: the lifetime stress cell (environment/stress/lifetime_cell.cs), run for
10 s in the course kernel and in .NET Interactive against this checkout's library, sees no failure, and both kernels load
the build's patched TorchSharp.dll. On the stock TorchSharp.dll the same cell fails within seconds (README, "Reliability")."""
import os
import sys
import unittest

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

from kernel_support import KERNEL_DIR, KERNEL_NAME, skip_or_fail

ROOT = os.path.dirname(os.path.dirname(KERNEL_DIR))
LIB_DLL = os.path.join(ROOT, "bin", "Release", "net10.0", "Diffusion.Lib.dll")
sys.path.insert(0, os.path.join(ROOT, "environment"))

import stress_kernels  # noqa: E402  (environment/stress_kernels.py)


@unittest.skipUnless(os.path.exists(LIB_DLL), "Diffusion.Lib.dll is not built")
class LifetimeStressTests(unittest.TestCase):
    def check(self, kernel):
        ok, line = stress_kernels.stress(kernel, 10, "all", LIB_DLL)
        self.assertTrue(ok, line)
        self.assertIn("methods keep their tensors and scalars alive", line)
        self.assertIn(": 0 failed, 0 wrong values", line)

    def test_course_kernel_survives_forced_collections(self):
        self.check(KERNEL_NAME)

    def test_dotnet_interactive_survives_forced_collections(self):
        try:
            KernelSpecManager().get_kernel_spec("dotnet-interactive-csharp")
        except NoSuchKernel:
            skip_or_fail(self, "the kernelspec dotnet-interactive-csharp is not installed "
                               "(dotnet run --project environment/cli -- kernel install --dotnet-interactive)")
        self.check("dotnet-interactive-csharp")


if __name__ == "__main__":
    unittest.main()
