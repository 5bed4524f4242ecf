"""The mutation score script names a survivor by what it changes, and reads the reviewed equivalent list."""

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mutation_score", ROOT / "tools" / "mutation_score.py")
mutation_score = sys.modules["mutation_score"] = importlib.util.module_from_spec(_spec)  # dataclasses look it up
_spec.loader.exec_module(mutation_score)

# The shape of a file mutmut writes: the original and each mutant as a renamed copy.
MUTATED_MODULE = '''
def x_scale__mutmut_orig(x, factor=2):
    """Doc."""
    return x * factor

def x_scale__mutmut_1(x, factor=3):
    """Doc."""
    return x * factor

def x_scale__mutmut_2(x, factor=2):
    """Doc."""
    return x / factor

class Result:
    def xǁResultǁ__str____mutmut_orig(self):
        return "PASS"

    def xǁResultǁ__str____mutmut_1(self):
        return "XXPASSXX"
'''


def test_a_mutant_is_described_by_its_function_and_the_lines_it_changes(tmp_path):
    path = tmp_path / "module.py"
    path.write_text(MUTATED_MODULE, encoding="utf-8")
    sources = mutation_score.function_sources(path)
    body = mutation_score.describe("pkg.module.x_scale__mutmut_2", sources)
    assert body.key == ("pkg.module.scale", "return x * factor", "return x / factor")
    signature = mutation_score.describe("pkg.module.x_scale__mutmut_1", sources)
    assert signature.key == ("pkg.module.scale", "def scale(x, factor=2):", "def scale(x, factor=3):")
    method = mutation_score.describe("pkg.module.xǁResultǁ__str____mutmut_1", sources)
    assert method.key == ("pkg.module.Result.__str__", 'return "PASS"', 'return "XXPASSXX"')
    assert method.name == "pkg.module.xǁResultǁ__str____mutmut_1"


def test_the_reviewed_equivalent_list_gives_a_reason_for_every_entry():
    equivalent = mutation_score.load_equivalent()
    assert equivalent
    for (function, before, after), reason in equivalent.items():
        assert function.startswith("l2book.") and before != after
        assert len(reason.split()) >= 5, (function, reason)


def test_the_files_scored_are_the_ones_mutmut_mutates():
    assert "l2book/gradcheck.py" in mutation_score.mutated_files()
    assert all((ROOT / path).is_file() for path in mutation_score.mutated_files())


def _scored_run(tmp_path, monkeypatch, equivalent_entries: str) -> int:
    """Score a made-up run: one module, two mutants of ``scale`` survived and one was killed."""
    (tmp_path / "pyproject.toml").write_text('[tool.mutmut]\nonly_mutate = ["pkg/module.py"]\n', encoding="utf-8")
    (tmp_path / "mutants" / "pkg").mkdir(parents=True, exist_ok=True)
    (tmp_path / "mutants" / "pkg" / "module.py").write_text(MUTATED_MODULE, encoding="utf-8")
    exit_codes = {"pkg.module.x_scale__mutmut_1": 0, "pkg.module.x_scale__mutmut_2": 0,
                  "pkg.module.xǁResultǁ__str____mutmut_1": 1}
    (tmp_path / "mutants" / "pkg" / "module.py.meta").write_text(
        json.dumps({"exit_code_by_key": exit_codes}), encoding="utf-8"
    )
    (tmp_path / "mutation").mkdir(exist_ok=True)
    (tmp_path / "mutation" / "equivalent.toml").write_text(equivalent_entries, encoding="utf-8")
    monkeypatch.setattr(mutation_score, "ROOT", tmp_path)
    monkeypatch.setattr(mutation_score, "EQUIVALENT_LIST", tmp_path / "mutation" / "equivalent.toml")
    return mutation_score.main()


ENTRY = """
[[mutant]]
function = "pkg.module.scale"
before = "{before}"
after = "{after}"
reason = "A reason of at least five words."
"""
BOTH_SURVIVORS = ENTRY.format(before="def scale(x, factor=2):", after="def scale(x, factor=3):") + ENTRY.format(
    before="return x * factor", after="return x / factor"
)


def test_the_score_passes_only_when_every_survivor_is_listed(tmp_path, monkeypatch, capsys):
    assert _scored_run(tmp_path, monkeypatch, BOTH_SURVIVORS) == 0
    out = capsys.readouterr().out
    assert "pkg/module.py       1      3   33.3%         2           2" in out
    assert "0 survivor(s) not on the equivalent list, 0 mutant(s) not tested, 0 stale entries" in out

    one_listed = ENTRY.format(before="return x * factor", after="return x / factor")
    assert _scored_run(tmp_path, monkeypatch, one_listed) == 1
    out = capsys.readouterr().out
    assert "SURVIVOR not in mutation/equivalent.toml: pkg.module.x_scale__mutmut_1" in out


def test_an_entry_no_survivor_matches_is_reported_as_stale_and_fails(tmp_path, monkeypatch, capsys):
    killed_one = ENTRY.format(before='return \\"PASS\\"', after='return \\"XXPASSXX\\"').replace(
        "pkg.module.scale", "pkg.module.Result.__str__"
    )
    assert _scored_run(tmp_path, monkeypatch, BOTH_SURVIVORS + killed_one) == 1
    out = capsys.readouterr().out
    assert ("STALE entry in mutation/equivalent.toml, no survivor matches it (remove it): "
            "pkg.module.Result.__str__") in out
    assert "0 survivor(s) not on the equivalent list, 0 mutant(s) not tested, 1 stale entry on the list." in out
