"""LinkedIn's *little* text format, as production treats it: text is cut silently at the
first reserved character that is neither escaped nor part of a mention, hashtag or template.
"""

from __future__ import annotations

import re

RESERVED = set("|{}@[]()<>#\\*_~")
_MENTION = re.compile(r"@\[[^\]\\]+\]\(urn:li:(?:organization|person):[A-Za-z0-9_-]+\)")
_HASHTAG = re.compile(r"#\w+")
_TEMPLATE = re.compile(r"\{hashtag\|\\[#＃]\|\w+\}")


def visible_text(commentary: str) -> str:
    """What a reader would see: escapes removed, elements rendered, cut at the first
    unescaped reserved character outside a valid element."""
    out: list[str] = []
    i = 0
    while i < len(commentary):
        ch = commentary[i]
        if ch == "\\":
            if i + 1 < len(commentary) and commentary[i + 1] in RESERVED:
                out.append(commentary[i + 1])
                i += 2
                continue
            return "".join(out)  # a lone backslash is itself reserved
        if ch in RESERVED:
            for pattern, render in (
                (_MENTION, lambda m: m[0][2 : m[0].index("]")]),
                (_TEMPLATE, lambda m: "#" + m[0].rsplit("|", 1)[1][:-1]),
                (_HASHTAG, lambda m: m[0]),
            ):
                match = pattern.match(commentary, i)
                if match:
                    out.append(render(match))
                    i = match.end()
                    break
            else:
                return "".join(out)
            continue
        out.append(ch)
        i += 1
    return "".join(out)
