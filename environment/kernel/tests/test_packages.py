"""Assemblies and NuGet packages in cells: #r "nuget: ...", and F#-built packages that carry their own FSharp.Core."""
import os
import shutil
import tempfile
import unittest

from jupyter_client.manager import start_new_kernel

from kernel_support import KERNEL_NAME

TIMEOUT = 300  # a first restore downloads packages
PLOTLY = '#r "nuget: Plotly.NET, 6.0.0"\n#r "nuget: Plotly.NET.CSharp, 0.14.0"'
CHART = (
    "var chart = Plotly.NET.CSharp.Chart.Point<double, double, string>(x: new double[] { 1, 2, 3 }, y: new double[] { 4, 1, 9 });\n"
    "display(HTML(Plotly.NET.GenericChart.toChartHTML(chart)));"
)
FSHARP_CORE_COPIES = 'AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name == "FSharp.Core")'
# Plotly.NET 6.0.0's runtime files as NuGet lays them out: (package folder, file).
PLOTLY_FILES = [
    ("plotly.net/6.0.0", "lib/netstandard2.0/Plotly.NET.dll"),
    ("plotly.net.csharp/0.14.0", "lib/net10.0/Plotly.NET.CSharp.dll"),
    ("fsharp.core/10.1.403", "lib/netstandard2.1/FSharp.Core.dll"),
    ("dynamicobj/8.0.0", "lib/netstandard2.0/DynamicObj.dll"),
    ("fable.core/4.3.0", "lib/netstandard2.0/Fable.Core.dll"),
    ("giraffe.viewengine/1.4.0", "lib/net5.0/Giraffe.ViewEngine.dll"),
    ("newtonsoft.json/13.0.4", "lib/net6.0/Newtonsoft.Json.dll"),
]


class Kernel:
    """A fresh kernel for one test (package loads cannot be undone)."""

    def __enter__(self):
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60)
        return self

    def __exit__(self, *exc):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def run(self, code):
        outputs = []
        reply = self.kc.execute_interactive(code, timeout=TIMEOUT, output_hook=outputs.append)
        return reply["content"], [(m["msg_type"], m["content"]) for m in outputs
                                  if m["msg_type"] not in ("status", "execute_input")]


def result(outputs):
    return next(c["data"]["text/plain"] for t, c in outputs if t == "execute_result")


def stdout(outputs):
    return "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stdout")


class PackageTests(unittest.TestCase):
    def test_nuget_package_is_restored_and_referenced(self):
        with Kernel() as k:
            reply, outputs = k.run('#r "nuget: Newtonsoft.Json, 13.0.1"\nusing Newtonsoft.Json;')
            self.assertEqual(reply["status"], "ok", reply)
            self.assertIn("Installed package Newtonsoft.Json 13.0.1", stdout(outputs))
            reply, outputs = k.run("JsonConvert.SerializeObject(new { a = 1 }) + typeof(JsonConvert).Assembly.GetName().Version")
            self.assertEqual(reply["status"], "ok", reply)
            self.assertEqual(result(outputs), '{"a":1}13.0.0.0')

    def test_unknown_package_or_version_is_named_in_the_error(self):
        with Kernel() as k:
            reply, _ = k.run('#r "nuget: Newtonsoft.Json, 99.0.0"')
            self.assertEqual(reply["status"], "error")
            self.assertEqual(reply["ename"], "PackageRestoreError")
            self.assertIn('#r "nuget: Newtonsoft.Json, 99.0.0" could not be restored', reply["evalue"])
            self.assertIn("NU1102", reply["evalue"])
            reply, _ = k.run('#r "nuget: Diffusion.NoSuchPackage.Anywhere, 1.0.0"')
            self.assertIn("NU1101", reply["evalue"])
            self.assertIn("Diffusion.NoSuchPackage.Anywhere", reply["evalue"])
            reply, outputs = k.run("1 + 1")  # the kernel carries on
            self.assertEqual(result(outputs), "2")

    def test_plotly_chart_from_nuget_renders_to_html(self):
        with Kernel() as k:
            reply, _ = k.run(PLOTLY)
            self.assertEqual(reply["status"], "ok", reply)
            reply, outputs = k.run(CHART)
            self.assertEqual(reply["status"], "ok", reply)
            html = next(c["data"]["text/html"] for t, c in outputs if t == "display_data")
            self.assertIn('"type":"scatter"', html)
            self.assertIn('"y":[4.0,1.0,9.0]', html)
            reply, outputs = k.run(FSHARP_CORE_COPIES)
            self.assertEqual(result(outputs), "1")

    def test_plotly_referenced_by_path_with_its_own_fsharp_core(self):
        # The files a user copies next to a notebook: Roslyn alone loads FSharp.Core twice here (MissingMethodException).
        packages = os.environ.get("NUGET_PACKAGES") or os.path.expanduser("~/.nuget/packages")
        with Kernel() as k:  # makes sure the packages are in the global packages folder
            reply, _ = k.run(PLOTLY)
            self.assertEqual(reply["status"], "ok", reply)
        with tempfile.TemporaryDirectory() as folder, Kernel() as k:
            for package, path in PLOTLY_FILES:
                shutil.copy(os.path.join(packages, package, path), folder)
            reply, _ = k.run(f'#r "{folder}/Plotly.NET.dll"\n#r "{folder}/Plotly.NET.CSharp.dll"')
            self.assertEqual(reply["status"], "ok", reply)
            reply, outputs = k.run(CHART)
            self.assertEqual(reply["status"], "ok", reply)
            self.assertTrue(any(t == "display_data" and "text/html" in c["data"] for t, c in outputs))
            reply, outputs = k.run(FSHARP_CORE_COPIES)
            self.assertEqual(result(outputs), "1")


if __name__ == "__main__":
    unittest.main()
