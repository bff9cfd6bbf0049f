#!/usr/bin/env python3
"""Lists the source lines with the most instructions in a callgrind profile.

    python3 bench/tools/hot_lines.py PROFILE.cg [TOP] [PATH_FILTER]

Runs `callgrind_annotate --auto=yes` (from the repository root, so relative source paths
resolve) and ranks the annotated lines of files whose path contains PATH_FILTER
(default `crates/ward/src`): where the functions of a profile are inlined into one
big interpreter loop, lines say more than function names.
"""

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^\s*([\d,]+|\.)(?:\s+\(\s*[\d.]+%\))?(?:\s\s(.*))?$")
SKIP = re.compile(r"^-- line (\d+) -+")


def main() -> int:
    profile = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    needle = sys.argv[3] if len(sys.argv) > 3 else "crates/ward/src"
    text = subprocess.run(
        ["callgrind_annotate", "--auto=yes", profile],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True,
    ).stdout
    total = 0
    m = re.search(r"^([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", text, re.M)
    if m:
        total = int(m.group(1).replace(",", ""))
    hits = []
    current, lineno = None, 1
    for raw in text.splitlines():
        if raw.startswith("-- Auto-annotated source:"):
            current, lineno = raw.split(":", 1)[1].strip(), 1
            continue
        if current is None:
            continue
        s = SKIP.match(raw)
        if s:
            lineno = int(s.group(1))
            continue
        if re.match(r"^\s*[\d,]+(?:\s+\(\s*[\d.]+%\))?\s+=> ", raw) or raw.startswith("--"):
            continue  # a call's cost, not a source line
        m = LINE.match(raw)
        if not m:
            continue
        count, code = m.group(1), (m.group(2) or "").strip()
        if code.startswith("<counts for unidentified") or code == "events annotated":
            continue
        if count != "." and needle in current:
            hits.append((int(count.replace(",", "")), current, lineno, m.group(2).strip()))
        lineno += 1
    hits.sort(reverse=True)
    for count, path, lineno, code in hits[:top]:
        pct = f"{100 * count / total:5.1f}%" if total else ""
        print(f"{count:>14,} {pct}  {path}:{lineno}  {code[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
