"""The mutation score script names a survivor by what it changes, and reads the reviewed equivalent list."""

import importlib.util
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
