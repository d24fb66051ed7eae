"""The Jupyter project's conformance suite (jupyter_kernel_test) against the course's C# kernel."""
import unittest

try:
    import jupyter_kernel_test
except ImportError:  # a host without the conformance suite: one test says so (skipped, or failed under CI=true)
    jupyter_kernel_test = None

from kernel_support import KERNEL_NAME, skip_or_fail


class ConformanceSuiteInstalled(unittest.TestCase):
    def test_jupyter_kernel_test_is_installed(self):
        if jupyter_kernel_test is None:
            skip_or_fail(self, "jupyter_kernel_test is not installed (apt install python3-jupyter-kernel-test, or pip install jupyter_kernel_test)")


class CSharpKernelTests(jupyter_kernel_test.KernelTests if jupyter_kernel_test is not None else object):
    kernel_name = KERNEL_NAME
    language_name = "C#"
    file_extension = ".cs"

    code_hello_world = 'Console.WriteLine("hello, world");'
    code_stderr = 'Console.Error.WriteLine("oops");'
    code_generate_error = 'throw new InvalidOperationException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"abc" + "def"', "result": "abcdef"},
        {"code": "var xs = new[] { 1, 2, 3 };\nxs.Sum()", "result": "6"},
        {"code": "new List<int> { 1, 2, 3 }", "result": "List<int>(3) { 1, 2, 3 }"},
    ]

    code_display_data = [
        {"code": 'display("shown");', "mime": "text/plain"},
        {
            "code": "class Html { public IReadOnlyDictionary<string, string> ToMimeBundle() => "
            'new Dictionary<string, string> { ["text/html"] = "<b>hi</b>" }; }\ndisplay(new Html());',
            "mime": "text/html",
        },
    ]

    complete_code_samples = ["1 + 1", "var x = 3;", "if (true) { }", "class A { }", ""]
    incomplete_code_samples = ["if (true) {", "class A {", "var s = \"\"\"\nabc", "Foo(1,"]
    invalid_code_samples = ["var = ;", "int 3x = 1;"]

    completion_samples = [
        {"text": "var completionList = new List<int>();\ncompletionList.Capa", "matches": {"Capacity"}},
        {"text": "Console.WriteL", "matches": {"WriteLine"}},
        {"text": "Math.Sq", "matches": {"Sqrt"}},
    ]

    code_inspect_sample = "Math.Sqrt"

    code_page_something = "?Math.Sqrt"

    code_clear_output = 'Console.WriteLine("first");\nclear_output();'

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6 *"


if __name__ == "__main__":
    unittest.main()
