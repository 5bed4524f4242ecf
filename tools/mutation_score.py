"""Print mutmut's score per module and every survivor that is not a reviewed equivalent mutant.

Run after ``mutmut run`` from the repository root (``make mutation`` does both).
mutmut numbers its mutants per function, and the numbers shift whenever the
function changes, so a survivor is identified here by what it changes: the
function, the original line(s) and the mutated line(s). The reviewed list of
equivalent mutants, keyed the same way, is ``mutation/equivalent.toml``.

Exit status: 0 when every mutant was tested, every survivor is on the list and
every entry of the list is a survivor; 1 otherwise (a new survivor, a mutant
mutmut could not test, or a stale entry that no longer matches a survivor).
"""

from __future__ import annotations

import ast
import difflib
import json
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT_LIST = ROOT / "mutation" / "equivalent.toml"
# mutmut's exit codes (mutmut/stats.py): 1 and 3 mean a test failed, 0 that every test passed.
KILLED, SURVIVED = {1, 3}, {0}
TIMEOUT = {-24, 24, 152, 255, 36}


@dataclass(frozen=True)
class Mutant:
    """One mutant, described by what it changes rather than by mutmut's number."""

    name: str  # mutmut's id, e.g. l2book.penalty.x_l2_penalty__mutmut_3
    function: str  # e.g. l2book.gradcheck.GradientCheck.__str__
    before: str  # the original line(s), stripped, joined by newlines
    after: str  # the mutated line(s)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.function, self.before, self.after


def mutated_files() -> list[str]:
    """Return the files ``[tool.mutmut] only_mutate`` lists, e.g. ``l2book/penalty.py``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    return list(config["only_mutate"])


def readable_function(module: str, mangled: str) -> str:
    """``x_name`` → ``module.name``; ``xǁClassǁmethod`` → ``module.Class.method``."""
    if mangled.startswith("xǁ"):
        _, cls, method = mangled.split("ǁ")
        return f"{module}.{cls}.{method}"
    return f"{module}.{mangled.removeprefix('x_')}"


def function_sources(mutated_module: Path) -> dict[str, str]:
    """Return the source of every function mutmut wrote (originals and mutants), by name."""
    text = mutated_module.read_text("utf-8")
    lines = text.splitlines()  # once: ast.get_source_segment would split the whole file per function
    return {
        node.name: "\n".join(lines[node.lineno - 1 : node.end_lineno])
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef) and "__mutmut_" in node.name
    }


def describe(name: str, sources: dict[str, str]) -> Mutant:
    """Diff mutant ``name`` against its original function."""
    module, _, function_name = name.rpartition(".")  # function_name: x_f__mutmut_3
    mangled, _, _ = function_name.rpartition("__mutmut_")
    # The copies differ from the original in their names too: compare them under one name.
    plain = readable_function(module, mangled).rpartition(".")[2]
    original = sources[f"{mangled}__mutmut_orig"].replace(f"{mangled}__mutmut_orig", plain, 1).splitlines()
    mutated = sources[function_name].replace(function_name, plain, 1).splitlines()
    removed, added = [], []
    for line in difflib.ndiff(original, mutated):
        if line.startswith("- "):
            removed.append(line[2:].strip())
        elif line.startswith("+ "):
            added.append(line[2:].strip())
    return Mutant(name, readable_function(module, mangled), "\n".join(removed), "\n".join(added))


def load_equivalent(path: Path = EQUIVALENT_LIST) -> dict[tuple[str, str, str], str]:
    """Return the reviewed equivalent mutants: (function, before, after) → reason."""
    entries = tomllib.loads(path.read_text("utf-8")).get("mutant", [])
    return {(e["function"], e["before"].strip(), e["after"].strip()): e["reason"] for e in entries}


def module_results(source_file: str) -> tuple[Counter, list[Mutant]]:
    """Return the count of each outcome for one module, and its survivors described."""
    meta = json.loads((ROOT / "mutants" / f"{source_file}.meta").read_text("utf-8"))["exit_code_by_key"]
    outcomes: Counter = Counter()
    survivor_names = []
    for name, exit_code in meta.items():
        if exit_code in KILLED:
            outcomes["killed"] += 1
        elif exit_code in TIMEOUT:
            outcomes["timeout"] += 1
        elif exit_code in SURVIVED:
            outcomes["survived"] += 1
            survivor_names.append(name)
        else:
            outcomes["not tested"] += 1  # no test reached it, not run, or a crash
    sources = function_sources(ROOT / "mutants" / source_file) if survivor_names else {}
    return outcomes, [describe(name, sources) for name in sorted(survivor_names)]


def main() -> int:
    equivalent = load_equivalent(EQUIVALENT_LIST)
    listed = EQUIVALENT_LIST.relative_to(ROOT)
    seen, unexplained, untested = set(), [], 0
    width = max(len(source_file) for source_file in mutated_files())
    print(f"{'module':<{width}} {'killed':>7} {'total':>6} {'score':>7} {'survived':>9} {'equivalent':>11}")
    for source_file in mutated_files():
        outcomes, survivors = module_results(source_file)
        total = sum(outcomes.values())
        killed = outcomes["killed"] + outcomes["timeout"]
        known = [s for s in survivors if s.key in equivalent]
        seen.update(s.key for s in known)
        unexplained += [s for s in survivors if s.key not in equivalent]
        untested += outcomes["not tested"]
        score = killed / total if total else 0.0
        print(
            f"{source_file:<{width}} {killed:>7} {total:>6} {score:>7.1%} {len(survivors):>9} {len(known):>11}"
            + (f"  ({outcomes['not tested']} not tested)" if outcomes["not tested"] else "")
        )
    for mutant in unexplained:
        print(f"\nSURVIVOR not in {listed}: {mutant.name}  (mutmut show {mutant.name})")
        print(f"  function = {mutant.function!r}")
        print(f"  before   = {mutant.before!r}")
        print(f"  after    = {mutant.after!r}")
    # An entry no survivor matches is a claim that no longer holds: the mutant was killed, or the code changed.
    # (After a partial run some listed mutants were not run at all; the untested count fails that run anyway.)
    stale = [key for key in equivalent if key not in seen]
    for function, before, after in stale:
        print(f"\nSTALE entry in {listed}, no survivor matches it (remove it): {function}")
        print(f"  before = {before!r}\n  after  = {after!r}")
    print(
        f"\n{len(unexplained)} survivor(s) not on the equivalent list, {untested} mutant(s) not tested, "
        f"{len(stale)} stale entr{'y' if len(stale) == 1 else 'ies'} on the list."
    )
    return 1 if unexplained or untested or stale else 0


if __name__ == "__main__":
    sys.exit(main())
