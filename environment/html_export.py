"""HTML exports of executed notebooks that read right anywhere, offline.

nbconvert's HTML template links require.js and MathJax by URL; Debian's nbconvert points both at local system files
(file:///usr/share/javascript/...), so an export opened on another machine shows raw `$$...$$` and loses require.js. This
module exports with nbconvert and then inlines what the page needs instead:

* require.js (from Debian's libjs-requirejs, the same file nbconvert would have linked), so figures draw as they do in
  the classic notebook;
* MathJax 3's single-file SVG build (`mathjax` 3.2.2 from npm, environment/node_modules, fetched by
  environment/setup-dev.sh): SVG output carries its glyphs as paths, so no font files are needed; inline `$...$` and
  display `$$...$$` maths are typeset as in Jupyter.

The result has no reference to a local file; `environment/check_exports.py` verifies that, and that the maths typeset.
Usage as a module: `to_html(notebook_node) -> str`.
"""
import pathlib
import re

from nbconvert import HTMLExporter

ROOT = pathlib.Path(__file__).resolve().parent.parent
MATHJAX = ROOT / "environment" / "node_modules" / "mathjax" / "es5" / "tex-svg-full.js"
REQUIRE_JS = pathlib.Path("/usr/share/javascript/requirejs/require.min.js")

_REQUIRE_MARK = "course-inline:require.js"
_MATHJAX_MARK = "course-inline:mathjax"

# MathJax 3 with the delimiters and options of nbconvert's MathJax 2 configuration (AMS numbering, $ and $$, escapes).
MATHJAX_CONFIG = """<script>
window.MathJax = {
  tex: {
    inlineMath: [['$', '$'], ['\\\\(', '\\\\)']],
    displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
    processEscapes: true,
    processEnvironments: true,
    tags: 'ams'
  },
  svg: { fontCache: 'global' },
  options: { skipHtmlTags: ['script', 'noscript', 'style', 'textarea', 'pre', 'code'] }
};
</script>
"""


class ExportError(RuntimeError):
    """An asset the export inlines is missing; the message says how to get it."""


def _script(source, what):
    # A script's text ends at the first "</script": neither file has one, but keep it that way if they change.
    return f"<script>/* {what} */\n" + source.replace("</script", "<\\/script") + "\n</script>"


def _read(path, how):
    if not path.exists():
        raise ExportError(f"html_export: {path} is missing; {how}")
    return path.read_text(encoding="utf-8")


def to_html(nb):
    """The HTML export of `nb` (an nbformat node) with require.js and MathJax inlined and no local-file reference."""
    mathjax = _read(MATHJAX, "run environment/setup-dev.sh (it runs `npm ci --prefix environment`), which fetches MathJax 3")
    exporter = HTMLExporter()
    exporter.require_js_url = _REQUIRE_MARK
    exporter.mathjax_url = _MATHJAX_MARK
    html, _ = exporter.from_notebook_node(nb)

    require_tag = f'<script src="{_REQUIRE_MARK}"></script>'
    if require_tag not in html:
        raise ExportError("html_export: nbconvert's template no longer loads require.js as expected; update environment/html_export.py")
    require = _script(_read(REQUIRE_JS, "install libjs-requirejs (environment/setup-dev.sh does)"), "require.js, inlined by environment/html_export.py")
    html = html.replace(require_tag, require, 1)

    block = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
    if not block.search(html):
        raise ExportError("html_export: nbconvert's template no longer loads MathJax as expected; update environment/html_export.py")
    inlined = MATHJAX_CONFIG + _script(mathjax, "MathJax 3.2.2 tex-svg-full.js (Apache-2.0), inlined by environment/html_export.py")
    html = block.sub(lambda _: inlined, html, count=1)

    if "file://" in html or _REQUIRE_MARK in html or _MATHJAX_MARK in html:
        raise ExportError("html_export: the export still references a local file or a placeholder; update environment/html_export.py")
    return html
