"""Copy DKFDS's date picker out of the npm package into the app's static files: the rules of
its stylesheet that style `.date-picker` (the full DKFDS stylesheet is not loaded, see
docs/design-notes.md), the icons they name (kept at the same place relative to the
stylesheet) and DKFDS's script.

Usage: python scripts/dkfds_date_picker.py <dkfds dist folder> <vendor folder>"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

SELECTOR = ".date-picker"
ICON = re.compile(r'url\("\.\./img/svg-icons/([a-z0-9-]+\.svg)"\)')


def top_level_blocks(css: str) -> list[str]:
    """The stylesheet's top-level rules and at-rules, each with its braces."""
    blocks, depth, start = [], 0, 0
    for i, char in enumerate(css):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append(css[start : i + 1].strip())
                start = i + 1
    return blocks


def date_picker_rules(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    kept = []
    for block in top_level_blocks(css):
        head, body = block.split("{", 1)
        if head.startswith("@media"):
            inner = [b for b in top_level_blocks(body[:-1]) if SELECTOR in b.split("{", 1)[0]]
            if inner:
                kept.append(head.strip() + " {\n" + "\n".join(inner) + "\n}")
        elif not head.startswith("@") and SELECTOR in head:
            kept.append(block)
    return kept


def main(dist: Path, vendor: Path) -> None:
    rules = date_picker_rules((dist / "css" / "dkfds-virkdk.css").read_text(encoding="utf-8"))
    if not rules:
        raise SystemExit("no date picker rules found in the DKFDS stylesheet")
    css = "\n".join(rules)
    icons = sorted(set(ICON.findall(css)))
    (vendor / "css").mkdir(parents=True, exist_ok=True)
    (vendor / "img" / "svg-icons").mkdir(parents=True, exist_ok=True)
    for icon in icons:
        shutil.copy(dist / "img" / "svg-icons" / icon, vendor / "img" / "svg-icons" / icon)
    header = "/* DKFDS (npm dkfds): the date picker's rules, copied by scripts/install */\n"
    (vendor / "css" / "date-picker.css").write_text(header + css + "\n", encoding="utf-8")
    (vendor / "js").mkdir(parents=True, exist_ok=True)
    shutil.copy(dist / "js" / "dkfds.min.js", vendor / "js" / "dkfds.min.js")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
