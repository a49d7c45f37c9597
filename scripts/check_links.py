"""Every relative link in the README and docs/ (and deploy/README.md) resolves to a file
or folder inside this repository. Run by `make lint`; prints each broken link as
`FILE:LINE: target` and exits 1 if there is one.

A link is a Markdown link or image, `[text](target)` or `![alt](target)`; web addresses
(`https:`, `mailto:`) and links within a page (`#section`) are not files and are skipped.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
NOT_FILES = ("http://", "https://", "mailto:", "#")
CODE = re.compile(r"`[^`]*`")  # text in code is an example, not a link


def pages(root: Path) -> list[Path]:
    docs = sorted((root / "docs").rglob("*.md"))
    return [root / "README.md", *docs, root / "deploy" / "README.md"]


def broken_links(root: Path = REPO) -> list[str]:
    """`FILE:LINE: target` for every relative link that does not resolve inside `root`."""
    found = []
    for page in pages(root):
        if not page.is_file():
            continue
        in_code = False
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lstrip().startswith("```"):
                in_code = not in_code
            if in_code:
                continue
            for target in LINK.findall(CODE.sub("", line)):
                if target.startswith(NOT_FILES):
                    continue
                resolved = (page.parent / target.split("#", 1)[0]).resolve()
                if not resolved.is_relative_to(root) or not resolved.exists():
                    found.append(f"{page.relative_to(root)}:{number}: {target}")
    return found


def main() -> int:
    problems = broken_links()
    for problem in problems:
        print(f"broken link: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
