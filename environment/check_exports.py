"""Checks the HTML exports of executed notebooks: they read right on any machine, offline, and what they show is legible.

Usage: /usr/bin/python3 environment/check_exports.py FOLDER [FOLDER ...]

Each page fails when
* it references a local file (`file://`, `/usr/share/...`): opened on another machine it would lose its scripts
  (environment/html_export.py inlines require.js and MathJax instead);
* a markdown cell's maths is mangled: maths written without `$...$` (`x_t`, `x_{t-1}`, `\\bar`) outside code, or emphasis
  that starts or ends inside a word (`x<em>t | x</em>{t-1}`, what markdown makes of two underscores);
* an image grid (a PNG output, or a PNG drawn by a figure) is shown at less than twice its pixel size: 28-pixel digits
  at 1x are too small to read on a projector;
* opened in headless Chromium with no network (a proxy on a dead port blocks everything but loopback), a figure did
  not draw (plotly.js marks each `plotly-graph-div` it drew with `js-plotly-plot`), MathJax reported an error, or maths
  was left untypeset.
Prints one line per page (with every problem found) and a closing 'run_course: N notebooks passed, M failed' line that
environment/test_summary.py reads. Exits non-zero when any page fails or no page is found.
"""
import base64
import pathlib
import re
import struct
import subprocess
import sys
import tempfile

CHROMIUM = "/usr/bin/chromium"
MIN_SCALE = 2          # Figures.MinimumDisplayScale in lib/Plotting
GRID_MAX_WIDTH = 1200  # PNGs wider than this are pictures in their own right, not grids of small images

_MARKDOWN = re.compile(r'data-mime-type="text/markdown">(.*?)(?=<div class="jp-Cell |</main>|</body>|\Z)', re.S)
_CODE = re.compile(r"<(code|pre)\b[^>]*>.*?</\1>", re.S)
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]+\$", re.S)
_TAG = re.compile(r"<[^>]+>")
_ATTRIBUTES = re.compile(r"<(/?)(\w+)\b[^>]*>")   # a tag without its attributes (heading ids repeat the heading's maths)
_MATH_OUTSIDE = [
    (re.compile(r"[\w)}\]]<(em|strong)>"), "emphasis starting inside a word (markdown read an underscore or * in maths)"),
    (re.compile(r"</(em|strong)>[\w{(\[]"), "emphasis ending inside a word (markdown read an underscore or * in maths)"),
    (re.compile(r"\\[A-Za-z]{2,}"), "a TeX command outside $...$"),
    (re.compile(r"[_^]\{"), "a sub- or superscript in braces outside $...$"),
    (re.compile(r"(?<![\w/.-])[A-Za-z\u0370-\u03ff\u1f00-\u1fff][\u0300-\u036f]?_[A-Za-z0-9\u0370-\u03ff]"), "a subscript such as x_t outside $...$"),
]
_LOCAL = re.compile(r"file://|(?:src|href)=[\"']/(?:usr|home|root|tmp|opt|etc)/|/usr/share/javascript")
_IMG = re.compile(r"<img\b[^>]*>", re.S)
_SVG_IMAGE = re.compile(r"<image\b[^>]*>", re.S)
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S)


def _attribute(tag, name):
    m = re.search(r'\b' + name + r'\s*=\s*"([^"]*)"', tag)
    return m.group(1) if m else None


def png_size(data_uri):
    """(width, height) of a data:image/png;base64 URI from its IHDR chunk, or None when it is not a PNG."""
    if not data_uri.startswith("data:image/png;base64,"):
        return None
    head = base64.b64decode(data_uri[len("data:image/png;base64,"):][:64] + "==", validate=False)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def local_references(source):
    """Problems: references to local files."""
    found = sorted(set(m.group(0) for m in _LOCAL.finditer(source)))
    return [f"references local files ({', '.join(found)})"] if found else []


def mangled_maths(source):
    """Problems: maths in markdown cells written without $...$, or emphasis markdown made of it."""
    problems = []
    for cell in _MARKDOWN.findall(source):
        text = _ATTRIBUTES.sub(r"<\1\2>", _CODE.sub(" ", cell))
        text = _MATH.sub(" ", text)
        for pattern, what in _MATH_OUTSIDE:
            m = pattern.search(text)
            if m:
                start = max(0, m.start() - 40)
                context = _TAG.sub("", text[start:m.end() + 40]).replace("\n", " ").strip()
                problems.append(f"mangled maths: {what}: \u2026{context}\u2026")
    return problems


def small_images(source, dom=None):
    """Problems: PNG pictures (notebook outputs, and image traces of drawn figures in `dom`) shown at less than 2x."""
    problems = []
    for tag in _IMG.findall(source):
        src = _attribute(tag, "src") or ""
        size = png_size(src)
        if size is None or size[0] > GRID_MAX_WIDTH:
            continue
        shown = _attribute(tag, "width")
        width = float(shown) if shown else float(size[0])
        if width < MIN_SCALE * size[0] - 0.5:
            problems.append(f"an image grid of {size[0]}x{size[1]} px shown {width:.0f} px wide ({width / size[0]:.1f}x, need {MIN_SCALE}x)")
    for tag in _SVG_IMAGE.findall(dom or ""):
        src = _attribute(tag, "href") or _attribute(tag, "xlink:href") or ""
        size = png_size(src)
        shown = _attribute(tag, "width")
        if size is None or size[0] > GRID_MAX_WIDTH or not shown:
            continue
        width = float(shown)
        if width < MIN_SCALE * size[0] - 0.5:
            problems.append(f"a figure draws a {size[0]}x{size[1]} px picture {width:.0f} px wide ({width / size[0]:.1f}x, need {MIN_SCALE}x)")
    return problems


def rendering(source, dom):
    """Problems in the page Chromium drew: figures not drawn, MathJax errors, maths left as text."""
    problems = []
    expected = len(re.findall(r'class="plotly-graph-div"', source))
    drawn = len(re.findall(r'class="plotly-graph-div[^"]*js-plotly-plot', dom))
    if drawn != expected:
        problems.append(f"{drawn} of {expected} figures drawn")
    body = _SCRIPT_OR_STYLE.sub(" ", dom)   # MathJax's own code and CSS name its error nodes too
    errors = re.findall(r'data-mjx-error="([^"]*)"', body)
    if errors or 'data-mml-node="merror"' in body or "<mjx-merror" in body:
        problems.append(f"MathJax could not typeset some maths ({'; '.join(sorted(set(errors))) or 'a TeX error'})")
    maths = sum(len(_MATH.findall(_TAG.sub(" ", _CODE.sub(" ", cell)))) for cell in _MARKDOWN.findall(source))
    typeset = body.count("<mjx-container")
    if typeset < maths:
        problems.append(f"{typeset} of the {maths} formulas typeset (MathJax did not run, or left some as text)")
    return problems, drawn, expected, typeset


def dump_dom(page):
    with tempfile.TemporaryDirectory(prefix="check-exports-") as profile:
        result = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
             "--virtual-time-budget=30000", f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=600)
    return result.stdout


def check(page):
    source = page.read_text(encoding="utf-8")
    problems = local_references(source) + mangled_maths(source)
    dom = dump_dom(page)
    drawn_problems, drawn, expected, typeset = rendering(source, dom)
    problems += drawn_problems + small_images(source, dom)
    images = len(re.findall(r'<img[^>]+src="data:image/png', source))
    status = "" if not problems else "  FAILED:\n    " + "\n    ".join(problems)
    print(f"check_exports: {page.parent.name}/{page.name}: {drawn} of {expected} figures drawn, {images} PNG images, "
          f"{typeset} formulas typeset{status}", flush=True)
    return not problems


def main():
    if not pathlib.Path(CHROMIUM).exists():
        print(f"check_exports: {CHROMIUM} is missing; run environment/setup-dev.sh (it installs chromium)", file=sys.stderr)
        return 1
    pages = sorted(p for folder in sys.argv[1:] for p in pathlib.Path(folder).glob("[0-9][0-9]-*.html"))
    if not pages:
        print(f"check_exports: no exported notebooks in {' '.join(sys.argv[1:])}", file=sys.stderr)
        print("run_course: 0 notebooks passed, 1 failed")
        return 1
    failed = sum(0 if check(page) else 1 for page in pages)
    print(f"run_course: {len(pages) - failed} notebooks passed, {failed} failed (HTML exports checked in Chromium)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
