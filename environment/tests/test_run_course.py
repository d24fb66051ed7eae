"""Tests of environment/run_course.py's output checks: what a student should not see fails the run."""
import pathlib
import sys
import unittest

import nbformat

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import run_course  # noqa: E402


def notebook(*outputs):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = list(outputs)
    nb.cells = [cell]
    return nb


class OutputProblems(unittest.TestCase):
    def test_a_compiler_warning_fails(self):
        nb = notebook(nbformat.v4.new_output("stream", name="stderr", text="\n(3,10): warning CS8632: The annotation for nullable"))
        self.assertIn("CS8632", str(run_course.output_problems(nb)))

    def test_html_without_plain_text_fails_but_dotnet_interactive_start_up_passes(self):
        self.assertIsNotNone(run_course.output_problems(notebook(nbformat.v4.new_output("display_data", data={"text/html": "<div/>"}))))
        start_up = nbformat.v4.new_output("display_data", data={"text/html": "<div id='dotnet-interactive-this-cell-1'></div>"})
        self.assertIsNone(run_course.output_problems(notebook(start_up)))

    def test_clean_outputs_pass(self):
        nb = notebook(nbformat.v4.new_output("stream", name="stdout", text="✓ a check\n"),
                      nbformat.v4.new_output("display_data", data={"text/html": "<div/>", "text/plain": "Chart"}))
        self.assertIsNone(run_course.output_problems(nb))


if __name__ == "__main__":
    unittest.main()
