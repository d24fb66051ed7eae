"""Tests of environment/check_exports.py's page checks on small hand-written pages: each check must be able to fail."""
import base64
import pathlib
import struct
import sys
import unittest
import zlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import check_exports  # noqa: E402


def png_uri(width, height):
    """A valid black greyscale PNG of width x height as a data URI."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x00" * width for _ in range(height))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode()


def markdown_cell(html):
    return ('<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><div class="jp-RenderedHTMLCommon jp-RenderedMarkdown '
            f'jp-MarkdownOutput " data-mime-type="text/markdown">{html}</div></div>')


class MangledMaths(unittest.TestCase):
    def test_emphasis_made_of_subscripts_fails(self):
        page = markdown_cell("<p>the kernel q(x<em>t | x</em>{t−1}) and more</p>")
        problems = check_exports.mangled_maths(page)
        self.assertTrue(any("emphasis starting inside a word" in p for p in problems), problems)

    def test_maths_without_dollars_fails(self):
        for text in ["<p>where x_t is</p>", "<p>x_{t-1} here</p>", "<p>with \\bar\\alpha here</p>", "<p>σ_y = 0.05</p>",
                     "<p>ᾱ_t ≈ 0.08</p>"]:
            self.assertTrue(check_exports.mangled_maths(markdown_cell(text)), text)

    def test_maths_in_dollars_code_and_real_emphasis_pass(self):
        page = markdown_cell("<p>where $x_{t-1}$ and $$\\bar\\alpha_t = \\prod_s \\alpha_s$$ and <code>x_t</code>, "
                             "<strong>Check.</strong> the <em>change</em> of D, data_loader, <pre>a_b</pre></p>")
        self.assertEqual([], check_exports.mangled_maths(page))

    def test_code_cells_are_not_read_as_markdown(self):
        page = '<div class="jp-Cell jp-CodeCell"><pre>var x_t = q_sample(x_0);</pre></div>'
        self.assertEqual([], check_exports.mangled_maths(page))


class LocalReferences(unittest.TestCase):
    def test_local_files_fail_and_inlined_scripts_pass(self):
        self.assertTrue(check_exports.local_references('<script src="file:///usr/share/javascript/requirejs/require.min.js"></script>'))
        self.assertTrue(check_exports.local_references('<script src="/usr/share/javascript/mathjax/MathJax.js"></script>'))
        self.assertEqual([], check_exports.local_references("<script>/* require.js, inlined */ var x = 1;</script>"))


class SmallImages(unittest.TestCase):
    def test_a_grid_at_one_times_fails_and_at_two_times_passes(self):
        uri = png_uri(242, 32)
        self.assertEqual((242, 32), check_exports.png_size(uri))
        self.assertTrue(check_exports.small_images(f'<img src="{uri}"/>'))
        self.assertTrue(check_exports.small_images(f'<img src="{uri}" width="300" height="40"/>'))
        self.assertEqual([], check_exports.small_images(f'<img src="{uri}" width="484" height="64"/>'))

    def test_a_figure_that_draws_a_small_picture_small_fails(self):
        uri = png_uri(30, 30)
        self.assertTrue(check_exports.small_images("", f'<image x="0" y="0" width="30" height="30" href="{uri}"></image>'))
        self.assertEqual([], check_exports.small_images("", f'<image width="240" height="240" href="{uri}"></image>'))


class Rendering(unittest.TestCase):
    def test_undrawn_figures_and_untypeset_maths_fail(self):
        source = '<div class="plotly-graph-div"></div>' + markdown_cell("<p>$x_t$</p>")
        problems, drawn, expected, typeset = check_exports.rendering(source, "<html></html>")
        self.assertEqual((0, 1, 0), (drawn, expected, typeset))
        self.assertEqual(2, len(problems), problems)
        dom = '<div class="plotly-graph-div js-plotly-plot"></div><mjx-container class="MathJax"></mjx-container>'
        self.assertEqual([], check_exports.rendering(source, dom)[0])
        self.assertTrue(check_exports.rendering(source, dom + '<g data-mml-node="merror" data-mjx-error="Undefined control sequence \\foo"></g>')[0])
        # MathJax's inlined code and CSS mention its error nodes: that is not an error.
        quiet = dom + '<script>x.set("data-mjx-error", e)</script><style>g[data-mml-node="merror"] > g { fill: red; }</style>'
        self.assertEqual([], check_exports.rendering(source, quiet)[0])


if __name__ == "__main__":
    unittest.main()
