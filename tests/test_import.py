import ast
import subprocess
import sys
from pathlib import Path

import l2book

NUMERIC_USE = """
import sys, numpy as np, l2book
params = l2book.init_params([2, 3, 1])
X, Y = np.ones((2, 4)), np.ones((1, 4))
grads = l2book.gradients(params, X, Y, 0.1)
l2book.weight_decay_step(params, grads, 0.1, 0.1, 4)
l2book.check_gradients(params, X, Y, 0.1)
l2book.check_gradients(params, X, Y, 0.1, directions=2)
l2book.numerical_gradient(lambda v: float(v.sum()), np.ones(2))
print("sympy" in sys.modules, "matplotlib" in sys.modules)
"""


def test_numeric_api_never_imports_sympy_or_matplotlib():
    result = subprocess.run([sys.executable, "-c", NUMERIC_USE], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_symbolic_loads_on_first_use():
    assert l2book.symbolic.weight_decay_identity() == 0


def test_public_api_is_exactly_the_contract():
    contract = {
        "Layer", "init_params", "forward", "cost", "gradients", "l2_penalty", "l2_penalty_grad", "sgd_step",
        "weight_decay_step", "numerical_gradient", "relative_error", "check_gradients", "GradientCheck",
    }
    assert contract <= set(l2book.__all__)
    assert all(callable(getattr(l2book, name)) for name in l2book.__all__)


def test_every_public_function_has_a_numpy_docstring_with_examples():
    for name in l2book.__all__:
        doc = getattr(l2book, name).__doc__ or ""
        assert "Examples\n" in doc or name == "GradientCheck", name
        if name not in {"Layer", "GradientCheck", "AdamState"}:  # classes document Attributes
            assert "Parameters\n" in doc and "Returns\n" in doc, name


def test_every_module_imports_layer_from_its_home():
    package = Path(l2book.__file__).parent
    elsewhere = [
        f"{path.relative_to(package)}: from {node.module}"
        for path in sorted(package.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and "Layer" in {alias.name for alias in node.names}
        if node.module != "l2book.layer"
    ]
    assert elsewhere == []


def test_every_module_stays_under_450_lines():
    package = Path(l2book.__file__).parent
    lengths = {
        str(path.relative_to(package)): len(path.read_text(encoding="utf-8").splitlines())
        for path in package.rglob("*.py")
    }
    assert {name: length for name, length in lengths.items() if length >= 450} == {}
