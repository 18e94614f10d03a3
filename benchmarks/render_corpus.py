"""Time ``e2ee-sig render`` over the whole corpus, in-process, against ``xsltproc``.

Usage: python benchmarks/render_corpus.py [CORPUS] [--stylesheet XSL] [--repeat N]

The corpus has no xep.xsl (it is the XSF's and is not copied here), so the default
stylesheet is the project's test stylesheet, tests/fixtures/render/xep.xsl. One Renderer
(the XSLT compiled once) renders every root and inbox XEP; xsltproc is run once per file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from timing import DEFAULT_CORPUS, best_of

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "src"))

from e2ee_sig.render import Renderer  # noqa: E402

TEST_STYLESHEET = PROJECT / "tests" / "fixtures" / "render" / "xep.xsl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--stylesheet", type=Path, default=TEST_STYLESHEET)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = sorted(args.corpus.glob("xep-*.xml")) + sorted((args.corpus / "inbox").glob("*.xml"))

    def render_all() -> None:
        renderer = Renderer(args.stylesheet)
        for file in files:
            renderer.render(file)

    total = best_of(args.repeat, render_all)
    renderer = Renderer(args.stylesheet)
    slowest = max(
        ((best_of(1, lambda f=f: renderer.render(f)), f.name) for f in files), default=(0.0, "")
    )
    print(f"{len(files)} files, stylesheet {args.stylesheet.name}")
    print(f"in-process render (compile once): {total:.2f} s best of {args.repeat}")
    print(f"  slowest file: {slowest[1]} {slowest[0] * 1000:.0f} ms")
    binary = shutil.which("xsltproc")
    if binary is None:
        print("xsltproc not installed: no comparison")
        return
    start = time.perf_counter()
    for file in files:
        subprocess.run([binary, "--nonet", str(args.stylesheet), str(file)], capture_output=True)
    print(f"xsltproc, one process per file: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
