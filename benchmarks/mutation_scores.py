"""Per-module mutation scores from mutmut's results in mutants/ (`make mutate`).

Usage: python benchmarks/mutation_scores.py catalog.pricing comparisons.search.scoring ...
Prints one line per module: mutants, killed, survived, untested (no test reached the
function), timeouts, and the score = killed (timeouts count as killed) / all checked. Exits 1
when a module has never been run. Reads the `.meta` JSON files mutmut writes next to each
mutated copy; docs/testing.md records the scores with the commit measured.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 36, 24, -24, 152, 255}
SURVIVED = {0}
UNTESTED = {5, 33}


def module_counts(*, module: str, root: Path = Path("mutants")) -> Counter[str]:
    """Counts of `killed`, `survived`, `untested`, `unchecked` and `other` for one dotted
    module name. Raises FileNotFoundError when mutmut has not generated its mutants."""
    meta = root / (module.replace(".", "/") + ".py.meta")
    exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
    counts: Counter[str] = Counter()
    for code in exit_codes.values():
        if code is None:
            counts["unchecked"] += 1
        elif code in KILLED:
            counts["killed"] += 1
        elif code in SURVIVED:
            counts["survived"] += 1
        elif code in UNTESTED:
            counts["untested"] += 1
        else:
            counts["other"] += 1
    return counts


def main(modules: list[str]) -> int:
    missing = 0
    print(f"{'module':42} {'mutants':>7} {'killed':>6} {'survived':>8} {'untested':>8} score")
    for module in modules:
        try:
            c = module_counts(module=module)
        except FileNotFoundError:
            print(f"{module:42} not run")
            missing += 1
            continue
        checked = c["killed"] + c["survived"] + c["untested"]
        score = f"{100 * c['killed'] / checked:.0f}%" if checked else "-"
        total = sum(c.values())
        print(
            f"{module:42} {total:>7} {c['killed']:>6} {c['survived']:>8} {c['untested']:>8} {score}"
        )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
