"""Tests of environment/html_export.py: an export carries its scripts inside the page and links no local file."""
import pathlib
import sys
import unittest

import nbformat

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import check_exports  # noqa: E402
import html_export  # noqa: E402


class HtmlExport(unittest.TestCase):
    def setUp(self):
        for asset in (html_export.MATHJAX, html_export.REQUIRE_JS):
            if not asset.exists():
                self.skipTest(f"{asset} is missing (environment/setup-dev.sh fetches it)")

    def test_the_export_inlines_mathjax_and_require_and_links_no_local_file(self):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell("The kernel $q(x_t \\mid x_{t-1})$ and $$\\bar\\alpha_t = \\prod_s \\alpha_s.$$")]
        html = html_export.to_html(nb)
        self.assertEqual([], check_exports.local_references(html))
        self.assertEqual([], check_exports.mangled_maths(html))
        self.assertIn("window.MathJax", html)
        self.assertIn("MathJax 3.2.2 tex-svg-full.js", html)
        self.assertIn("require.js, inlined", html)
        self.assertIn("$q(x_t \\mid x_{t-1})$", html)   # the maths reaches the page as written, for MathJax

    def test_maths_written_without_dollars_is_caught_in_the_export(self):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell("the one-step kernel q(x_t | x_{t−1}) and the closed form q(x_t | x_0)")]
        self.assertTrue(check_exports.mangled_maths(html_export.to_html(nb)))


if __name__ == "__main__":
    unittest.main()
