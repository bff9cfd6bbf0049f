#!/usr/bin/env python3
"""Lists the op pairs the interpreter ran most, from a callgrind profile of ward.

    python3 bench/tools/op_pairs.py PROFILE.cg [TOP] [--by-op]

Each handler of ward's threaded code ends by jumping to the next op's handler, and
callgrind records a jump into the start of another function as a call: the call graph
of a profile (`bench/tools/callgrind.sh`) holds how often each handler was followed by
each other one. Those are dynamic pair counts, which say what a superinstruction would
save where counting pairs in the translated code cannot (a pair in a loop counts once
there). `--by-op` merges a handler's accumulator modes (`slot_acc::I32Load`,
`acc_slot::I32Load`, ...) into its op. Edges between functions that are not handlers
(the loader, the validator) are left out.
"""

import re
import subprocess
import sys
from collections import Counter

# The handlers live in the executor's modules; their names lead with these.
HANDLERS = "ward::exec::"
NAME = re.compile(r"\((\d+)\)(?: (.*))?")


def edges(path: str) -> Counter:
    """Call counts of the profile's (caller, callee) pairs, by mangled name."""
    names: dict[str, str] = {}
    count: Counter = Counter()
    caller = callee = None

    def name(text: str) -> str:
        # callgrind names a function in full once, then by its number alone.
        match = NAME.match(text)
        if match is None:
            return text
        if match.group(2):
            names[match.group(1)] = match.group(2)
        return names.get(match.group(1), match.group(1))

    with open(path, encoding="utf-8", errors="replace") as profile:
        for line in profile:
            if line.startswith("fn="):
                caller = name(line[3:].strip())
            elif line.startswith("cfn="):
                callee = name(line[4:].strip())
            elif line.startswith("calls=") and caller and callee:
                count[(caller, callee)] += int(line[6:].split()[0])
    return count


def demangled(symbols: list[str]) -> dict[str, str]:
    text = subprocess.run(
        ["c++filt"], input="\n".join(symbols), capture_output=True, text=True, check=True
    ).stdout
    return dict(zip(symbols, text.split("\n")))


def short(name: str, by_op: bool) -> str | None:
    """The handler's name without the crate path and hash; None for other functions."""
    if HANDLERS not in name:
        return None
    name = re.sub(r"::h[0-9a-f]{16}$", "", name)
    name = re.sub(r"'\d+$", "", name)
    name = name.split(HANDLERS, 1)[1]
    name = name.removeprefix("dispatch::")
    return name.rsplit("::", 1)[-1] if by_op else name


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args:
        print(__doc__, file=sys.stderr)
        return 1
    by_op = "--by-op" in sys.argv
    top = int(args[1]) if len(args) > 1 else 30
    count = edges(args[0])
    readable = demangled(sorted({n for pair in count for n in pair}))
    pairs: Counter = Counter()
    for (caller, callee), n in count.items():
        first, second = short(readable[caller], by_op), short(readable[callee], by_op)
        if first and second:
            pairs[(first, second)] += n
    total = sum(pairs.values())
    if total == 0:
        print("no handler followed another: is this a profile of ward's interpreter?")
        return 1
    print(f"{total:,} op transitions; the {top} most frequent pairs:")
    for (first, second), n in pairs.most_common(top):
        print(f"{n:>14,} {100 * n / total:5.1f}%  {first}  ->  {second}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
