"""The course kernel and .NET Interactive side by side: the same notebook, and the library's rich output, under both (nbclient)."""
import json
import os
import re
import tempfile
import unittest

import nbformat
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient

from kernel_support import KERNEL_DIR, KERNEL_NAME, skip_or_fail

DOTNET_INTERACTIVE = "dotnet-interactive-csharp"
ROOT = os.path.dirname(os.path.dirname(KERNEL_DIR))
LIB_DLL = os.path.join(ROOT, "bin", "Release", "net10.0", "Diffusion.Lib.dll")
TIMEOUT = 180
# A 2x2 grey PNG: the library's TensorImage, unmarked, must still render as an image as a cell's value.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAADklEQVR4nGNoaGBoaAAABgYCASzBUNcAAAAASUVORK5CYII="

# A type that renders itself, as the library's figures and images do, opted in to .NET Interactive's formatters.
PICTURE = (
    "[Diffusion.Hosting.TypeFormatterSource(typeof(Diffusion.Hosting.MimeBundleFormatterSource))]\n"
    "public class Picture { public string Name = \"pic\";\n"
    "  public IReadOnlyDictionary<string, string> ToMimeBundle() =>\n"
    "    new Dictionary<string, string> { [\"text/html\"] = $\"<b>{Name}</b>\", [\"text/plain\"] = Name }; }"
)


def dotnet_interactive_spec(test):
    try:
        return KernelSpecManager().get_kernel_spec(DOTNET_INTERACTIVE)
    except NoSuchKernel:
        skip_or_fail(test, f"the kernelspec {DOTNET_INTERACTIVE} is not installed: run "
                     "`dotnet run --project environment/cli -- kernel install --dotnet-interactive` (environment/setup-dev.sh does; it "
                     "restores .NET Interactive from .config/dotnet-tools.json and installs the kernelspec)")


def execute(kernel, sources, folder):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    NotebookClient(nb, timeout=TIMEOUT, kernel_name=kernel, resources={"metadata": {"path": folder}}).execute()
    return nb


def texts(cell):
    """Each output's text: text/plain, else the text of its text/html (.NET Interactive often sends HTML only)."""
    result = []
    for output in cell.outputs:
        data = output.get("data", {})
        if "text/plain" in data:
            result.append(data["text/plain"])
        elif "text/html" in data:
            result.append(re.sub(r"<style>.*?</style>|<[^>]+>", "", data["text/html"], flags=re.S).strip())
        elif "text" in output:
            result.append(output["text"])
    return result


class DotNetInteractiveTests(unittest.TestCase):
    def test_installed_spec_runs_the_locally_restored_tool(self):
        spec = dotnet_interactive_spec(self)
        with open(os.path.join(ROOT, ".config", "dotnet-tools.json"), encoding="utf-8") as f:
            version = json.load(f)["tools"]["microsoft.dotnet-interactive"]["version"]
        self.assertEqual(spec.display_name, ".NET Interactive (C#)")
        tool = spec.argv[1]
        self.assertIn(os.path.join("microsoft.dotnet-interactive", version), tool)
        self.assertTrue(os.path.exists(tool), tool)
        self.assertEqual(spec.argv[2:5], ["jupyter", "--default-kernel", "csharp"])
        self.assertIn("--http-local-only", spec.argv)

    def test_trivial_notebook_runs(self):
        dotnet_interactive_spec(self)
        with tempfile.TemporaryDirectory() as folder:
            nb = execute(DOTNET_INTERACTIVE, ["var answer = 6 * 7;", "answer", 'Console.WriteLine("printed");'], folder)
            self.assertEqual(texts(nb.cells[1]), ["42"])
            self.assertEqual(texts(nb.cells[2]), ["printed\n"])


@unittest.skipUnless(os.path.exists(LIB_DLL), "Diffusion.Lib.dll is not built")
class LibraryUnderBothKernelsTests(unittest.TestCase):
    def run_library_notebook(self, kernel):
        with tempfile.TemporaryDirectory() as folder:
            return execute(kernel, [
                f'#r "{LIB_DLL}"',
                "Diffusion.Hosting.NotebookHost.IsNotebook",
                'var update = Diffusion.Hosting.NotebookHost.Display!("first");\nupdate("second");',
                PICTURE,
                "new Picture()",
                "var show = Diffusion.Hosting.NotebookHost.Display!(new Picture());\n"
                "for (var i = 1; i <= 5; i++) { show(new Picture { Name = $\"step {i}\" }); }",
                "Diffusion.Hosting.NotebookHost.Cancellation.CanBeCanceled",
                f'new Diffusion.Plotting.TensorImage(Convert.FromBase64String("{PNG}"), "grey")',
                "Plotly.NET.CSharp.Chart.Point<double, double, string>(x: new double[] { 1, 2 }, y: new double[] { 5, 3 })",
                'AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name == "FSharp.Core")',
            ], folder)

    def check(self, kernel):
        nb = self.run_library_notebook(kernel)
        self.assertEqual(texts(nb.cells[1]), ["True"])
        # nbclient applies update_display_data to the output with the same display id: one output, the last value.
        self.assertEqual(texts(nb.cells[2]), ["second"])
        html = [o["data"]["text/html"] for o in nb.cells[4].outputs if "text/html" in o.get("data", {})]
        self.assertEqual(html, ["<b>pic</b>"])
        self.assertEqual(len(nb.cells[5].outputs), 1, nb.cells[5].outputs)
        self.assertEqual(nb.cells[5].outputs[0]["data"]["text/html"], "<b>step 5</b>")
        self.assertEqual(texts(nb.cells[6]), ["True"])
        html = nb.cells[7].outputs[0]["data"]["text/html"]
        self.assertTrue(html.startswith(f'<img src="data:image/png;base64,{PNG}"'), html[:200])
        # A Plotly.NET chart (the library's NotebookFormatters) draws; F# packages share one FSharp.Core.
        chart = nb.cells[8].outputs[0]["data"]["text/html"]
        self.assertIn('"type":"scatter"', chart)
        self.assertIn('"y":[5.0,3.0]', chart)
        self.assertEqual(texts(nb.cells[9]), ["1"])

    def test_course_kernel(self):
        self.check(KERNEL_NAME)

    def test_dotnet_interactive(self):
        dotnet_interactive_spec(self)
        self.check(DOTNET_INTERACTIVE)


if __name__ == "__main__":
    unittest.main()
