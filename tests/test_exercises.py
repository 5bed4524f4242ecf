"""The grader names every planted mistake, passes correct answers in any style, and never guesses."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from markdown.extensions.toc import slugify

from l2book import Layer, gradients
from l2book.__main__ import main
from l2book.exercises import EXERCISES, MISTAKES, Report, catalogue, check
from l2book.exercises.mistakes import MODELS, SECTION_OF, backprop_with_slope
from l2book.exercises.problems import make_problems
from tests.exercise_solutions import LOOPS, PLANTED, VECTORIZED, planted

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def planted_reports() -> dict[tuple[str, str], Report]:
    return {(exercise, slip): check(exercise, planted(exercise, slip)) for exercise, slip in PLANTED}


@pytest.mark.parametrize(("exercise", "slip"), list(PLANTED))
def test_each_planted_slip_is_named(planted_reports, exercise, slip):
    code, words = PLANTED[exercise, slip]
    report = planted_reports[exercise, slip]
    assert not report.passed
    assert report.mistake == code, report.message
    assert words in report.message


def test_every_mistake_of_the_catalogue_is_planted():
    assert {code for code, _ in PLANTED.values()} == set(MISTAKES)


def test_every_mistake_model_names_some_planted_slip(planted_reports):
    messages = {}
    for (exercise, _), report in planted_reports.items():
        messages.setdefault(exercise, []).append(report.message)
    unused = [
        (candidate.exercise, candidate.explanation)
        for models in MODELS.values()
        for candidate in models
        if not any(message.startswith(candidate.explanation) for message in messages[candidate.exercise])
    ]
    assert unused == []


@pytest.mark.parametrize("exercise", list(EXERCISES))
@pytest.mark.parametrize("seed", [0, 1])
def test_correct_answers_in_two_styles_pass(exercise, seed):
    for answer in (planted(exercise, None), VECTORIZED[exercise]):
        report = check(exercise, answer, seed=seed)
        assert (report.passed, report.mistake) == (True, None), report.message
        assert report.message.startswith(f"agrees with {EXERCISES[exercise].verified} on 4 random problems")


def test_the_acceptance_slip_lambda_over_2m_in_dW():
    # The scenario: backward with λ/(2m)·W in dW is told which term, what is wrong and where to read.
    report = check("backward", planted("backward", "half_penalty"))
    assert (report.passed, report.mistake) == (False, "penalty_scale")
    assert report.message.startswith("the penalty term of dW has the wrong constant: it is λ/(2m)·W")
    assert "on every problem with λ > 0" in report.message
    assert report.message.endswith(
        "see chapter 3, 'The gradient of the penalty' (03-weight-decay.md#the-gradient-of-the-penalty)."
    )


def test_an_exception_in_the_readers_code_is_a_failed_report_with_its_last_line():
    def backward(params, X, Y, lam):
        W, b = params[0]
        return W @ Y  # the wrong operands: a shape error inside NumPy

    report = check("backward", backward)
    assert (report.passed, report.mistake) == (False, None)
    assert "raised ValueError: matmul: Input operand 1 has a mismatch" in report.message
    assert re.search(r"line \d+ of test_exercises\.py, in backward\) on problem 1 \(layers 3-4-1", report.message)


@pytest.mark.parametrize(("argument", "last_line"), [(("giving up",), "SystemExit: giving up"), ((), "SystemExit")])
def test_sys_exit_in_the_readers_code_is_a_failed_report_like_any_exception(argument, last_line):
    def backward(params, X, Y, lam):
        sys.exit(*argument)

    report = check("backward", backward)
    assert (report.passed, report.mistake) == (False, None)
    assert re.fullmatch(rf"backward raised {last_line} \(line \d+ of test_exercises\.py, in backward\) "
                        r"on problem 1 \(layers 3-4-1, m = 5, λ = 0\.7\)\.", report.message), report.message


def test_sys_exit_in_one_answer_leaves_the_others_graded_by_the_command(tmp_path, capsys):
    path = tmp_path / "answers.py"
    path.write_text("import sys\nfrom l2book import gradients\n\n"
                    "def l2_penalty(weights, lam, m):\n    sys.exit('giving up')\n\n"
                    "def backward(params, X, Y, lam):\n    return gradients(params, X, Y, lam)\n", encoding="utf-8")
    assert main(["check", str(path)]) == 1
    penalty, backward = capsys.readouterr().out.splitlines()
    assert penalty.split()[:3] == ["l2_penalty", "FAIL", "-"]
    assert "l2_penalty raised SystemExit: giving up (line 5 of answers.py, in l2_penalty) on problem 1" in penalty
    assert backward.split()[:2] == ["backward", "PASS"]


def test_a_function_with_the_wrong_parameters_is_a_failed_report():
    report = check("weight_decay_update", lambda params, grads, lr: params)
    assert (report.passed, report.mistake) == (False, None)
    assert report.message.startswith("weight_decay_update raised TypeError: ")
    # no line of the reader's to point at: the call itself failed
    assert report.message.endswith("<lambda>() takes 3 positional arguments but 5 were given "
                                   "on problem 1 (layers 3-4-1, m = 5, λ = 0.7).")


def test_an_error_inside_numpy_is_placed_on_the_readers_line():
    def l2_penalty(weights, lam, m):
        return lam / (2 * m) * sum(np.linalg.inv(W).sum() for W in weights)  # W^[1] is not square

    report = check("l2_penalty", l2_penalty)
    assert "raised numpy.linalg.LinAlgError: Last 2 dimensions of the array must be square" in report.message
    assert re.search(r"\(line \d+ of test_exercises\.py, in <genexpr>\)", report.message)


def test_a_difference_no_mistake_explains_is_located_not_named():
    def backward(params, X, Y, lam):  # a constant added to dW^[1]: in no catalogue
        grads = gradients(params, X, Y, lam)
        grads[0] = Layer(grads[0].W + 0.01, grads[0].b)
        return grads

    report = check("backward", backward)
    assert (report.passed, report.mistake) == (False, None)
    message = report.message
    assert "largest in dW^[1], relative error" in message
    # located by check_gradients: its layer_errors against its threshold, and its worst entry
    assert re.search(r"finite differences of the book's cost disagree with dW\^\[1\] \(relative error "
                     r"\d\.\de-\d\d\), most at dW\^\[1\]\[\d, \d\]", message)
    assert "the difference is in the data part (it is there at λ = 0 too)" in message
    assert "no mistake in the catalogue explains it" in message
    assert message.endswith("see chapter 6, 'Planted bugs, and how each is caught' "
                            "(06-checks.md#planted-bugs-and-how-each-is-caught).")


def test_a_difference_in_the_penalty_part_alone_is_said_to_be_there():
    def regularized_cost(params, X, Y, lam):  # ‖W‖ where ‖W‖² belongs
        m = X.shape[1]
        J = LOOPS["regularized_cost"](params, X, Y, 0.0)
        return J + lam / (2 * m) * sum(np.linalg.norm(W) for W, _ in params)

    report = check("regularized_cost", regularized_cost)
    assert (report.passed, report.mistake) == (False, None)
    assert "the data part is right (it agrees at λ = 0): the difference is in the penalty part" in report.message
    assert report.message.endswith("see chapter 2, 'The penalty: λ, the ½ and the 1/m' "
                                   "(02-regularized-loss.md#the-penalty-the-12-and-the-1m).")


def test_two_mistakes_at_once_are_not_guessed():
    def backward(params, X, Y, lam):  # half the penalty and db summed: two models, neither explains it alone
        m = X.shape[1]
        half = LOOPS["backward"](params, X, Y, lam, slip="half_penalty")
        return [(dW, db * m) for dW, db in half]

    report = check("backward", backward)
    assert (report.passed, report.mistake) == (False, None)
    assert "both the data part and the penalty part differ" in report.message


def test_a_wrong_structure_is_a_shape_mistake():
    report = check("backward", lambda params, X, Y, lam: None)
    assert report.mistake == "shape"
    assert report.message.startswith("backward returned None, not a list of (dW, db) pairs")
    short = check("backward", lambda params, X, Y, lam: gradients(params, X, Y, lam)[:-1])
    assert short.mistake == "shape"
    assert "returned 1 pair on problem 1 (layers 3-4-1, m = 5, λ = 0.7), not 2: one pair per layer" in short.message


def test_a_changed_list_is_a_mutation():
    def weight_decay_update(params, grads, lr, lam, m):
        new = VECTORIZED["weight_decay_update"](params, grads, lr, lam, m)
        params.reverse()
        return new

    report = check("weight_decay_update", weight_decay_update)
    assert report.mistake == "mutates_input"
    assert "changed its argument params[0].W" in report.message


def test_check_refuses_bad_arguments_by_name():
    with pytest.raises(ValueError, match="name must be one of 'l2_penalty', 'regularized_cost'"):
        check("backprop", print)
    with pytest.raises(TypeError, match="fn must be a function, got int"):
        check("backward", 3)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        check("backward", print, seed=-1)


def test_report_reads_as_one_line():
    report = Report("backward", False, "sign", "the data part has the wrong sign")
    assert str(report) == "backward: FAIL [sign] the data part has the wrong sign"


def test_problems_cover_depths_shapes_m_and_lambda():
    problems = make_problems(seed=0)
    assert {len(p.params) - 1 for p in problems} == {1, 2}
    shapes = [W.shape for p in problems for W in p.weights]
    assert any(n == k for n, k in shapes) and any(n != k for n, k in shapes)
    assert len({p.m for p in problems}) == len(problems)
    assert 0 in {p.lam for p in problems} and any(p.lam > 0 for p in problems)
    assert all(np.abs(b).min() > 0 for p in problems for _, b in p.params)  # a penalized bias would show
    assert not np.array_equal(problems[0].X, make_problems(seed=1)[0].X)


def test_the_tanh_mistake_model_is_backprop_with_only_the_slope_changed():
    for problem in make_problems(seed=0):
        params = list(problem.params)
        right = backprop_with_slope(params, problem.X, problem.Y, lambda A: 1 - A**2)
        wrong = backprop_with_slope(params, problem.X, problem.Y, lambda A: 1 - A)
        for got, want in zip(right, gradients(params, problem.X, problem.Y, 0.0), strict=True):
            np.testing.assert_allclose(got.W, want.W, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(got.b, want.b, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(wrong[-1].W, right[-1].W, rtol=1e-12)  # the output layer has no tanh
        assert not np.allclose(wrong[0].W, right[0].W)


def test_starter_docstrings_come_from_the_catalogue():
    exercise = EXERCISES["weight_decay_update"]
    assert exercise.parameters == ["params", "grads", "lr", "lam", "m"]
    assert exercise.signature == "weight_decay_update(params, grads, lr, lam, m) -> list"
    assert exercise.chapter == 3 and "(1 − αλ/m)" in exercise.statement
    assert "gradients of the data loss" in exercise.docstring


def _sections() -> set[catalogue.Section]:
    sections = {value for value in vars(catalogue).values() if isinstance(value, catalogue.Section)}
    sections |= set(SECTION_OF.values())
    sections |= {candidate.section for models in MODELS.values() for candidate in models}
    return sections


@pytest.mark.parametrize("section", sorted(_sections(), key=str), ids=str)
def test_each_section_a_message_names_is_a_heading_of_its_chapter(section):
    page, anchor = section.anchor.split("#")
    assert page.startswith(f"{section.chapter:02d}-")
    headings = re.findall(r"^#{2,6} (.+)$", (DOCS / page).read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert section.title in headings
    assert slugify(section.title, "-") == anchor
