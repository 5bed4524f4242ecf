"""What the grader's reports say, word for word: the one-line form, where a mistake shows, and every message part.

Each test grades its own function: none shares a module-scoped fixture, so a
mutation tool that runs only the tests reaching a function runs the one that
can notice the change (a shared fixture is charged to the first test using it).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from l2book import Layer, gradients, l2_penalty
from l2book.exercises import EXERCISES, MISTAKES, check
from l2book.exercises.mistakes import MODELS, MistakeModel, model
from l2book.exercises.problems import fresh_layers, make_problems
from tests.exercise_solutions import LOOPS, PLANTED, VECTORIZED, planted

SECTION_AT_END = re.compile(r"; see chapter \d, '[^']+' \(\d\d-[a-z-]+\.md#[a-z0-9-]+\)\.$")


@pytest.mark.parametrize(("exercise", "slip"), list(PLANTED))
def test_each_planted_slip_reads_as_one_failed_line_ending_with_its_section(exercise, slip):
    code, words = PLANTED[exercise, slip]
    report = check(exercise, planted(exercise, slip))
    assert (report.exercise, report.passed, report.mistake) == (exercise, False, code)
    assert words in report.message
    assert str(report) == f"{exercise}: FAIL [{code}] {report.message}"
    assert SECTION_AT_END.search(report.message), report.message


# Where each kind of slip shows: a penalty slip only where λ > 0, a data slip on every problem,
# a transposed square matrix only on the one problem that has one (problem 3, layers 2-3-3-1).
SEEN = {
    ("l2_penalty", "no_half"): ". Seen on every problem with λ > 0; see chapter 2,",
    ("regularized_cost", "summed"): ". Seen on every problem; see chapter 2,",
    ("regularized_cost", "penalty_subtracted"): ". Seen on every problem with λ > 0; see chapter 2,",
    ("backward", "no_penalty"): ". Seen in dW^[1], dW^[2], dW^[3], on every problem with λ > 0; see chapter 3,",
    ("backward", "db_summed"): ". Seen in db^[1], db^[2], db^[3], on every problem; see chapter 2,",
    ("backward", "transposed_when_square"): ". Seen in dW^[2], on problem 3, where it shows; see chapter 6,",
    ("weight_decay_update", "biases_decayed"): ". Seen in b^[1], b^[2], b^[3], on every problem with λ > 0; see",
}


@pytest.mark.parametrize(("exercise", "slip"), list(SEEN))
def test_a_named_mistake_says_which_arrays_and_which_problems_show_it(exercise, slip):
    message = check(exercise, planted(exercise, slip)).message
    assert SEEN[exercise, slip] in message, message


def _penalty_doubled_on(ms: set[int]):
    """A made-up mistake of l2_penalty that shows only on the problems with these m."""

    def output(p):
        return l2_penalty(p.weights, 2 * p.lam if p.m in ms else p.lam, p.m)

    def reader(weights, lam, m):
        return l2_penalty(weights, 2 * lam if m in ms else lam, m)

    return MistakeModel("l2_penalty", "penalty_scale", "made up", "penalty", output), reader


@pytest.mark.parametrize(
    ("ms", "which"),
    [({6}, "on problem 3, where it shows;"), ({5, 11}, "on problems 1, 4, where it shows;")],
)
def test_a_mistake_that_shows_on_some_problems_lists_them(monkeypatch, ms, which):
    # The problems have m = 5, 7, 6, 11 and λ = 0.7, 0, 2.5, 1.3: these show on neither every λ > 0 nor every problem.
    candidate, reader = _penalty_doubled_on(ms)
    monkeypatch.setitem(MODELS, "l2_penalty", [candidate])
    report = check("l2_penalty", reader)
    assert (report.exercise, report.passed, report.mistake) == ("l2_penalty", False, "penalty_scale")
    assert report.message.startswith(f"made up. Seen {which} see chapter 2, 'The penalty"), report.message


def test_a_passing_report_reads_as_one_line():
    report = check("l2_penalty", VECTORIZED["l2_penalty"])
    assert str(report) == f"l2_penalty: PASS {report.message}"
    assert (report.exercise, report.passed, report.mistake) == ("l2_penalty", True, None)


def test_an_unexplained_failure_has_no_code_in_its_line():
    report = check("l2_penalty", lambda weights, lam, m: VECTORIZED["l2_penalty"](weights, lam, m) + 1.0)
    assert report.mistake is None
    assert str(report) == f"l2_penalty: FAIL {report.message}"


# --- A function that changes its arguments --------------------------------------------------------


def test_a_mutation_with_wrong_values_does_not_call_them_right():
    def l2_penalty_doubling(weights, lam, m):
        weights[0] *= 2.0  # and returns the penalty of the doubled weights
        return lam / (2 * m) * sum(float(np.sum(W * W)) for W in weights)

    report = check("l2_penalty", l2_penalty_doubling)
    assert (report.exercise, report.passed, report.mistake) == ("l2_penalty", False, "mutates_input")
    assert report.message.startswith(
        "l2_penalty changed its argument weights[0] on problem 1 (layers 3-4-1, m = 5, λ = 0.7): but the caller's"
    )


def test_a_mutation_with_right_values_says_so():
    def backward(params, X, Y, lam):
        grads = gradients(params, X, Y, lam)
        params[1].b[0, 0] = 5.0
        return grads

    report = check("backward", backward)
    assert (report.exercise, report.passed, report.mistake) == ("backward", False, "mutates_input")
    assert report.message.startswith(
        "backward changed its argument params[1].b on problem 1 (layers 3-4-1, m = 5, λ = 0.7): the values it "
        "returns are right, but the caller's arrays must stay as they were"
    )
    assert report.message.endswith(
        "see chapter 3, 'The gradient of the penalty' (03-weight-decay.md#the-gradient-of-the-penalty)."
    )


def test_a_mutation_that_returns_nothing_is_not_called_right():
    def weight_decay_update(params, grads, lr, lam, m):
        params[0] = Layer(params[0].W * (1 - lr * lam / m), params[0].b)  # replaced a layer, returned None

    report = check("weight_decay_update", weight_decay_update)
    assert report.mistake == "mutates_input"
    message = report.message
    assert "changed its argument params[0].W on problem 1 (layers 3-4-1, m = 5, λ = 0.7): but the caller's" in message


# --- What a wrong structure is called ---------------------------------------------------------


@pytest.mark.parametrize(
    ("exercise", "result", "described"),
    [
        ("l2_penalty", [1.0, 2.0], "returned a list of 2 items, not a float, on problem 1"),
        ("l2_penalty", "0.5", "returned a str, not a float, on problem 1"),
        ("l2_penalty", None, "returned None, not a float, on problem 1"),
        ("regularized_cost", True, "returned a bool, not a float, on problem 1"),
        ("backward", {"dW": 1}, "returned a dict, not a list of (dW, db) pairs, on problem 1"),
        ("backward", [(1.0, 2.0, 3.0)],
         "returned a tuple of 3 items as item 0 of its list, not a (dW, db) pair, on problem 1"),
        ("weight_decay_update", [("W", 1.0)], "returned a str as W^[1], not an array, on problem 1"),
        ("weight_decay_update", [({}, 1.0)], "returned a dict as W^[1], not an array, on problem 1"),
    ],
)
def test_a_wrong_structure_is_described_by_its_type(exercise, result, described):
    report = check(exercise, lambda *args: result)
    assert (report.exercise, report.passed, report.mistake) == (exercise, False, "shape")
    assert report.message.startswith(f"{exercise} {described} (layers 3-4-1, m = 5, λ = 0.7); see chapter 2,")


# --- An exception in the reader's code --------------------------------------------------------


def test_an_exception_with_notes_is_reported_by_its_own_line_not_a_note():
    def l2_penalty(weights, lam, m):
        error = ValueError("no penalty today")
        error.add_note("a note the reader added")
        raise error

    report = check("l2_penalty", l2_penalty)
    assert (report.exercise, report.passed, report.mistake) == ("l2_penalty", False, None)
    assert re.match(
        r"l2_penalty raised ValueError: no penalty today \(line \d+ of test_grader_reports\.py, in l2_penalty\) "
        r"on problem 1 \(layers 3-4-1, m = 5, λ = 0\.7\)\.$",
        report.message,
    ), report.message


# --- The registry of mistake models -----------------------------------------------------------


def test_model_registers_its_function_with_every_field(monkeypatch):
    monkeypatch.setitem(MODELS, "l2_penalty", [])

    def output(p):
        return 0.0

    assert model("l2_penalty", "sign", "an explanation")(output) is output
    assert model("l2_penalty", "mean_missing", "another", part="data")(output) is output
    assert MODELS["l2_penalty"] == [
        MistakeModel("l2_penalty", "sign", "an explanation", "penalty", output),
        MistakeModel("l2_penalty", "mean_missing", "another", "data", output),
    ]


def test_model_refuses_a_code_the_catalogue_does_not_have(monkeypatch):
    monkeypatch.setitem(MODELS, "l2_penalty", [])
    with pytest.raises(ValueError) as refused:
        model("l2_penalty", "typo", "an explanation")
    assert str(refused.value) == f"code must be one of {', '.join(MISTAKES)}; got 'typo'"
    assert MODELS["l2_penalty"] == []



# --- A difference no mistake explains ---------------------------------------------------------


def test_a_pass_summarizes_the_problems():
    report = check("l2_penalty", VECTORIZED["l2_penalty"])
    assert report.message == (
        "agrees with l2book.l2_penalty on 4 random problems (hidden layers: 1, 2; m from 5 to 11; λ from 0 to 2.5)."
    )


def test_an_unexplained_number_says_how_far_off_without_naming_an_array():
    report = check("l2_penalty", lambda weights, lam, m: VECTORIZED["l2_penalty"](weights, lam, m) + 1.0)
    assert (report.exercise, report.passed, report.mistake) == ("l2_penalty", False, None)
    assert report.message.startswith(
        "differs from l2book.l2_penalty: relative error 1.0e+00 on problem 2 (layers 4-5-3-1, m = 7, λ = 0); "
        "the penalty itself is wrong; no mistake in the catalogue explains it; see chapter 2,"
    )


def _gradients_with(change):
    """A backward answer: the verified gradients with ``change(grads, lam)`` applied to the list."""

    def backward(params, X, Y, lam):
        grads = gradients(params, X, Y, lam)
        change(grads, lam)
        return grads

    return backward


def test_finite_differences_check_the_regularized_cost_at_the_problems_lambda():
    # dW^[1] off only where λ > 0: the worst problem has λ > 0, and finite differences of the cost
    # *with* that λ must agree with every other array.
    def off_where_penalized(grads, lam):
        if lam > 0:
            grads[0] = Layer(grads[0].W + 0.01, grads[0].b)

    message = check("backward", _gradients_with(off_where_penalized)).message
    assert "on problem 4 (layers 5-2-1, m = 11, λ = 1.3); finite differences of the book's cost disagree with " \
           "dW^[1] (relative error " in message
    assert "the data part is right (it agrees at λ = 0): the difference is in the penalty part" in message


def test_finite_differences_name_every_array_they_disagree_with():
    def two_arrays_off(grads, lam):
        grads[0] = Layer(grads[0].W + 0.01, grads[0].b)
        grads[1] = Layer(grads[1].W, grads[1].b * 3)

    message = check("backward", _gradients_with(two_arrays_off)).message
    assert re.search(r"largest in db\^\[2\], relative error 5\.0e-01 on problem 1 \(layers 3-4-1, m = 5, λ = 0\.7\); "
                     r"finite differences of the book's cost disagree with dW\^\[1\], db\^\[2\] \(relative error "
                     r"\d\.\de-\d\d\), most at db\^\[2\]\[0, 0\]; the penalty part is right", message), message


def _transposed_and_off(grads, lam):
    grads[0] = Layer(grads[0].W.T, grads[0].b)
    grads[1] = Layer(grads[1].W, grads[1].b * 3)


def _nan_in_last_layer(grads, lam):
    W = grads[-1].W.copy()
    W[0, 0] = np.nan
    grads[-1] = Layer(W, grads[-1].b)


# An array the finite differences cannot compare (another shape, a NaN) is described as what it is.
@pytest.mark.parametrize(
    ("change", "start"),
    [
        (_transposed_and_off, "largest in dW^[1], it has shape (3, 4), the shape of its transpose on problem 1"),
        (_nan_in_last_layer, "largest in dW^[2], it holds NaN or inf on problem 1"),
    ],
)
def test_an_array_of_another_shape_or_with_a_nan_is_described_without_finite_differences(change, start):
    report = check("backward", _gradients_with(change))
    assert report.mistake is None
    assert report.message.startswith(
        f"differs from l2book.gradients: {start} (layers 3-4-1, m = 5, λ = 0.7); both the data part and the "
        "penalty part differ;"
    ), report.message
    assert "finite differences" not in report.message


def test_a_difference_too_small_for_finite_differences_is_said_to_be_so_not_listed_as_nothing():
    def a_tiny_scale(grads, lam):  # 5e-8: beyond float64 rounding, below the finite differences' threshold
        grads[0] = Layer(grads[0].W * (1 + 1e-7), grads[0].b)

    message = check("backward", _gradients_with(a_tiny_scale)).message
    assert "finite differences of the book's cost agree with every dW and db within their threshold 1e-07 " \
           "(relative error " in message, message
    assert "), too coarse to locate it; " in message
    assert "disagree with" not in message


# --- A float type coarser than the problems' float64 -------------------------------------------

ROUNDING = "see chapter 6, 'The step size: truncation against rounding' " \
           "(06-checks.md#the-step-size-truncation-against-rounding)."


def _in_dtype(dtype, answer):
    """The answer with every float it returns cast to ``dtype`` (a NumPy scalar, or arrays in pairs)."""

    def cast(*args):
        result = answer(*args)
        if isinstance(result, list):
            return [(np.asarray(a, dtype), np.asarray(b, dtype)) for a, b in result]
        return dtype(result)

    return cast


@pytest.mark.parametrize(
    ("exercise", "dtype", "where"),
    [
        ("l2_penalty", np.float32, "relative error of 1.8e-08 on problem 1, the size of float32's rounding "
                                   "(its epsilon is 1.2e-07, float64's 2.2e-16)"),
        ("regularized_cost", np.float16, "on problem 3, the size of float16's rounding (its epsilon is 9.8e-04,"),
        ("backward", np.float32, "relative error of 2.0e-08 on problem 1 (largest in dW^[2]), the size of "
                                 "float32's rounding (its epsilon is 1.2e-07, float64's 2.2e-16)"),
        ("weight_decay_update", np.float32, "on problem 1 (largest in b^[2]), the size of float32's rounding"),
    ],
)
def test_a_right_answer_in_float32_is_told_it_is_rounding_not_a_wrong_formula(exercise, dtype, where):
    report = check(exercise, _in_dtype(dtype, VECTORIZED[exercise]))
    name = np.dtype(dtype).name
    assert (report.exercise, report.passed, report.mistake) == (exercise, False, None)
    assert report.message.startswith(f"{exercise} returned {name} numbers, but the problems are float64: it "
                                     f"differs from {EXERCISES[exercise].verified} by a"), report.message
    assert where in report.message
    assert report.message.endswith(f"; compute in float64 (without astype(np.{name}) or dtype=np.{name}) and "
                                   f"check again; {ROUNDING}")
    for misleading in ("penalty part", "penalty itself", "data part", "finite differences", "catalogue"):
        assert misleading not in report.message


def test_plain_python_numbers_are_float64_and_pass():
    def l2_penalty_as_float(weights, lam, m):
        return float(l2_penalty(weights, lam, m))

    def backward_as_nested_lists(params, X, Y, lam):
        return [(dW.tolist(), db.tolist()) for dW, db in gradients(params, X, Y, lam)]

    assert check("l2_penalty", l2_penalty_as_float).passed
    assert check("backward", backward_as_nested_lists).passed


def test_float32_in_one_array_only_is_found():
    def backward(params, X, Y, lam):
        grads = gradients(params, X, Y, lam)
        return [(dW, db) for dW, db in grads[:-1]] + [(grads[-1].W, grads[-1].b.astype(np.float32))]

    report = check("backward", backward)
    assert report.message.startswith("backward returned float32 numbers, but the problems are float64:")
    assert "on problem 2 (largest in db^[3]), the size of float32's rounding" in report.message


def test_a_wrong_answer_in_float32_is_told_it_differs_by_more_than_rounding():
    report = check("backward", _in_dtype(np.float32, planted("backward", "no_penalty")))
    assert report.mistake is None
    assert report.message.startswith("backward returned float32 numbers, but the problems are float64: it differs "
                                     "from l2book.gradients by a relative error of ")
    assert "), more than float32's rounding (its epsilon is 1.2e-07, float64's 2.2e-16); compute in float64" \
           in report.message


def test_a_transposed_answer_in_float32_is_told_its_shape():
    def backward(params, X, Y, lam):
        grads = gradients(params, X, Y, lam)
        return [(dW.T.astype(np.float32), db) for dW, db in grads]

    report = check("backward", backward)
    assert "it has shape (3, 4), the shape of its transpose" in report.message
    assert "float32" not in report.message


# --- Shapes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "described"),
    [
        # only the last array is wrong: every array of the problem is looked at, not just the first
        (lambda g: g.__setitem__(-1, Layer(g[-1].W, g[-1].b.ravel())),
         "db^[2] has shape (1,), not (1, 1) (sum with keepdims=True), on problem 1 (layers 3-4-1, m = 5, λ = 0.7); "
         "its values are right;"),
        (lambda g: g.__setitem__(-1, Layer(g[-1].W, 2 * g[-1].b.ravel())),
         "db^[2] has shape (1,), not (1, 1) (sum with keepdims=True), on problem 1 (layers 3-4-1, m = 5, λ = 0.7); "
         "see chapter 2,"),
        (lambda g: g.__setitem__(0, Layer(g[0].W.ravel(), g[0].b)),
         "dW^[1] has shape (12,), not (4, 3), on problem 1 (layers 3-4-1, m = 5, λ = 0.7); its values are right;"),
        (lambda g: g.__setitem__(0, Layer(g[0].W[:, :2], g[0].b)),
         "dW^[1] has shape (4, 2), not (4, 3), on problem 1 (layers 3-4-1, m = 5, λ = 0.7); see chapter 2,"),
    ],
    ids=["db flat", "db flat and doubled", "dW flat", "dW a column short"],
)
def test_a_wrong_shape_is_reported_with_a_hint_only_for_a_flat_db(change, described):
    report = check("backward", _gradients_with(lambda grads, lam: change(grads)))
    assert (report.exercise, report.passed, report.mistake) == ("backward", False, "shape")
    assert report.message.startswith(described), report.message
    assert report.message.endswith("see chapter 2, 'The symbols' (02-regularized-loss.md#the-symbols).")


# --- The data part and the penalty part -------------------------------------------------------


def test_a_slip_seen_only_on_the_problem_with_lambda_zero_is_in_the_data_part():
    # Wrong only on the problem with 4 inputs, the one problem whose own λ is 0: that problem
    # counts as an answer at λ = 0 beside the λ = 0 reruns of the others, which are all right.
    def regularized_cost(params, X, Y, lam):
        return VECTORIZED["regularized_cost"](params, X, Y, lam) + (0.5 if X.shape[0] == 4 else 0.0)

    report = check("regularized_cost", regularized_cost)
    assert report.message.startswith(
        "differs from l2book.cost: relative error 2.8e-01 on problem 2 (layers 4-5-3-1, m = 7, λ = 0); "
        "the penalty part is right: the difference is in the data part (it is there at λ = 0 too); "
        "no mistake in the catalogue explains it; see chapter 2, 'The data loss J'"
    ), report.message


def test_a_penalty_part_of_another_shape_is_not_right():
    # dW^[1] transposed only when λ > 0: the penalty part (answer at λ minus answer at 0) has no
    # shape to compare, so it is wrong, and db^[2] makes the data part wrong too.
    def transposed_when_penalized(grads, lam):
        if lam > 0:
            grads[0] = Layer(grads[0].W.T, grads[0].b)
        grads[1] = Layer(grads[1].W, grads[1].b * 3)

    message = check("backward", _gradients_with(transposed_when_penalized)).message
    assert "; both the data part and the penalty part differ; no mistake in the catalogue explains it;" in message


def test_a_data_part_of_another_shape_leaves_no_penalty_part_to_compare():
    # dW^[1] transposed only at λ = 0: at λ > 0 it has the right shape, so its penalty part
    # (answer at λ minus answer at 0) has the right shape too, and must still count as wrong.
    def transposed_at_zero(grads, lam):
        if lam == 0:
            grads[0] = Layer(grads[0].W.T, grads[0].b)

    message = check("backward", _gradients_with(transposed_at_zero)).message
    assert message.startswith("differs from l2book.gradients: largest in dW^[1], it has shape (4, 5), the shape of "
                              "its transpose on problem 2 (layers 4-5-3-1, m = 7, λ = 0); both the data part and the "
                              "penalty part differ;"), message


def test_a_penalty_part_of_another_shape_alone_is_in_the_penalty_part():
    def transposed_when_penalized(grads, lam):
        if lam > 0:
            grads[0] = Layer(grads[0].W.T, grads[0].b)

    message = check("backward", _gradients_with(transposed_when_penalized)).message
    assert message.startswith("differs from l2book.gradients: largest in dW^[1], it has shape (3, 4), the shape of "
                              "its transpose on problem 1 (layers 3-4-1, m = 5, λ = 0.7); the data part is right "
                              "(it agrees at λ = 0): the difference is in the penalty part;"), message


# --- How the reader's function is called ------------------------------------------------------


@pytest.mark.parametrize(("exercise", "calls"), [("l2_penalty", 4), ("backward", 7), ("weight_decay_update", 7)])
def test_the_function_is_called_again_at_lambda_zero_on_each_problem_with_lambda_above_zero(exercise, calls):
    # Four problems, three with λ > 0; the penalty alone has no data part to separate.
    lams = []

    def counting(*args):
        lams.append(args[EXERCISES[exercise].parameters.index("lam")])
        return VECTORIZED[exercise](*args)

    assert check(exercise, counting).passed
    assert len(lams) == calls
    if exercise != "l2_penalty":
        assert lams == [0.7, 0.0, 0.0, 2.5, 0.0, 1.3, 0.0]


def test_a_failure_in_the_rerun_at_lambda_zero_names_the_problem_it_belongs_to():
    def regularized_cost(params, X, Y, lam):
        return VECTORIZED["regularized_cost"](params, X, Y, lam) * (lam / lam)  # 0/0 when λ = 0

    report = check("regularized_cost", regularized_cost)
    assert (report.exercise, report.passed, report.mistake) == ("regularized_cost", False, None)
    assert report.message.startswith("regularized_cost raised ZeroDivisionError: float division by zero (line ")
    assert report.message.endswith(" on problem 1 (layers 3-4-1, m = 5, λ = 0).")


def test_the_default_seed_is_0():
    def off(weights, lam, m):  # off by a factor that depends on the problem's random weights
        return VECTORIZED["l2_penalty"](weights, lam, m) * (1 + abs(float(weights[0][0, 0])))

    assert check("l2_penalty", off).message == check("l2_penalty", off, seed=0).message
    assert check("l2_penalty", off).message != check("l2_penalty", off, seed=1).message


def test_any_real_number_is_a_float_answer():
    from fractions import Fraction

    report = check("l2_penalty", lambda weights, lam, m: Fraction(VECTORIZED["l2_penalty"](weights, lam, m)))
    assert report.passed, report.message


def test_a_list_of_the_wrong_length_is_a_shape_mistake_of_that_exercise():
    report = check("backward", lambda params, X, Y, lam: gradients(params, X, Y, lam)[:-1])
    assert (report.exercise, report.passed, report.mistake) == ("backward", False, "shape")


@pytest.mark.parametrize(
    ("exercise", "result", "counted"),
    [
        ("backward", lambda grads: grads[:1], "backward returned 1 pair on problem 1 (layers 3-4-1, m = 5, λ = 0.7), "
                                              "not 2: one pair per layer;"),
        ("backward", lambda grads: grads * 2, "backward returned 4 pairs on problem 1"),
        ("backward", lambda grads: [], "backward returned 0 pairs on problem 1"),
        ("l2_penalty", lambda value: [value], "l2_penalty returned a list of 1 item, not a float, on problem 1"),
        ("l2_penalty", lambda value: (), "l2_penalty returned a tuple of 0 items, not a float, on problem 1"),
    ],
)
def test_counts_are_singular_for_one_and_plural_otherwise(exercise, result, counted):
    report = check(exercise, lambda *args: result(VECTORIZED[exercise](*args)))
    assert report.mistake == "shape"
    assert report.message.startswith(counted), report.message


@pytest.mark.parametrize(
    ("spoil", "changed"),
    [
        (lambda weights: weights.pop(), "weights"),  # the list itself is shorter
        (lambda weights: weights.__setitem__(0, weights[0].tolist()), "weights[0]"),  # same numbers, not an array
    ],
    ids=["a list shortened", "an array replaced by a list"],
)
def test_a_changed_list_or_a_replaced_array_is_a_mutation(spoil, changed):
    def l2_penalty(weights, lam, m):
        value = VECTORIZED["l2_penalty"](weights, lam, m)
        spoil(weights)
        return value

    report = check("l2_penalty", l2_penalty)
    assert (report.passed, report.mistake) == (False, "mutates_input")
    assert report.message.startswith(f"l2_penalty changed its argument {changed} on problem 1 ")


# --- Which mistake explains it ----------------------------------------------------------------


def test_a_mistake_that_explains_one_problem_but_not_a_later_one_is_not_named():
    # Like the missing ½ on problem 1 (m = 5), but three times the penalty on problems 3 and 4:
    # problem 2 (λ = 0) shows neither, and the problems after it must still be compared.
    def l2_penalty(weights, lam, m):
        return VECTORIZED["l2_penalty"](weights, lam, m) * (2 if m == 5 else 3)

    report = check("l2_penalty", l2_penalty)
    assert (report.passed, report.mistake) == (False, None), report.message
    assert "no mistake in the catalogue explains it" in report.message


def test_two_codes_that_explain_the_same_answer_are_both_listed_and_none_is_named(monkeypatch):
    def negated(p):
        return -l2_penalty(p.weights, p.lam, p.m)

    monkeypatch.setitem(MODELS, "l2_penalty", [
        MistakeModel("l2_penalty", "sign", "negated", "penalty", negated),
        MistakeModel("l2_penalty", "penalty_scale", "times −1", "penalty", negated),
    ])
    report = check("l2_penalty", lambda weights, lam, m: -l2_penalty(weights, lam, m))
    assert (report.exercise, report.passed, report.mistake) == ("l2_penalty", False, None)
    assert report.message.startswith(
        "differs from l2book.l2_penalty: relative error 1.0e+00 on problem 1 (layers 3-4-1, m = 5, λ = 0.7); "
        "the penalty itself is wrong; it matches more than one known mistake (sign, penalty_scale), so none is "
        "named; see chapter 2,"
    ), report.message


# --- The problems -----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_problems_and_another_seed_other_networks():
    first, again, other = make_problems(seed=3), make_problems(seed=3), make_problems(seed=4)
    for a, b, c in zip(first, again, other, strict=True):
        for (W, bias), (W_again, bias_again), (W_other, _) in zip(a.params, b.params, c.params, strict=True):
            np.testing.assert_array_equal(W, W_again)
            np.testing.assert_array_equal(bias, bias_again)
            assert not np.array_equal(W, W_other)  # the network's initialization too, not only X
        np.testing.assert_array_equal(a.X, b.X)
        np.testing.assert_array_equal(a.Y, b.Y)


def test_every_problem_of_the_default_seed_has_both_labels():
    # Labels of one class would hide a slip in one half of the cross-entropy, y·log ŷ or (1 − y)·log(1 − ŷ).
    # (Labels are drawn at random: seed 2 gives problem 3 only 0s.)
    for problem in make_problems(seed=0):
        assert set(np.unique(problem.Y)) == {0.0, 1.0}, problem


def test_the_data_gradients_are_those_of_the_data_loss_alone():
    for problem in make_problems(seed=0):
        loops = LOOPS["backward"](fresh_layers(problem.params), problem.X, problem.Y, 0.0)
        for (dW, db), (want_dW, want_db) in zip(problem.data_grads, loops, strict=True):
            np.testing.assert_allclose(dW, want_dW, rtol=1e-10, atol=1e-14)
            np.testing.assert_allclose(db, want_db, rtol=1e-10, atol=1e-14)


def test_the_problems_of_seed_0_are_pinned():
    # The reports quote these problems' numbers (relative errors, worst entries), and so do the tests
    # above: a change to how the problems are drawn (the biases' scale, the initialization's seed) must
    # be deliberate. Per problem: Σ|W|, Σ|b|, ΣX and the number of 1-labels.
    fingerprint = [
        (
            round(float(sum(np.abs(W).sum() for W in p.weights)), 4),
            round(float(sum(np.abs(b).sum() for _, b in p.params)), 4),
            round(float(p.X.sum()), 4),
            int(p.Y.sum()),
        )
        for p in make_problems(seed=0)
    ]
    assert fingerprint == [
        (5.6903, 0.8873, -4.357, 2),
        (16.3115, 2.3593, 9.2239, 5),
        (7.657, 3.3675, 1.2992, 4),
        (4.2878, 1.8691, 1.6692, 3),
    ]
