"""l2book.plots: the book's figures are deterministic SVG drawn from the experiments' own numbers."""

import pathlib
import re
import xml.etree.ElementTree as ElementTree

import matplotlib
import numpy as np
import pytest

from l2book import plots
from l2book.experiments import (
    LINEAR_BOUND,
    BiasVarianceRecord,
    Setup,
    SweepRecord,
    best_record,
    critical_lambda,
    hidden_preactivations,
    lambda_sweep,
    bias_variance_sweep,
    size_sweep,
    step_size_curve,
    train,
)
from l2book.symbolic import early_stopping_fraction, shrinkage_factor

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"
SMALL = Setup(m_train=20, m_test=50, steps=50)


def record(lam, test_accuracy=0.8, active=30):
    return SweepRecord(lam, 0.9, test_accuracy, 1.0, 0.5, 0.9, active, 30)


def ydata(line):
    return [float(y) for y in line.get_ydata()]


@pytest.fixture(scope="module")
def svgs():
    """Every figure of the book, rendered once for the module."""
    return {name: make() for name, make in plots.FIGURES.items()}


def test_the_book_has_these_figures():
    assert set(plots.FIGURES) == {
        "accuracy-vs-lambda", "accuracy-vs-m", "decision-boundaries", "bias-variance", "l2-contours",
        "boundary-straightening", "linearity", "preactivations", "active-units", "unit-norms", "step-size",
        "shrinkage-vs-early-stopping",
    }  # fmt: skip


def test_every_figure_is_well_formed_svg_without_a_date(svgs):
    for name, svg in svgs.items():
        root = ElementTree.fromstring(svg.encode("utf-8"))
        assert root.tag == "{http://www.w3.org/2000/svg}svg", name
        assert "<dc:date>" not in svg, name


def test_rendering_a_figure_twice_gives_identical_svg(svgs, monkeypatch):
    # Drawn again rather than read back from the disk cache; the networks it draws still come from
    # there (retraining them is not what this test is about, and took a minute).
    monkeypatch.setattr(plots.style, "through_disk_cache", lambda compute, **key: compute())
    for name, make in plots.FIGURES.items():
        assert make() == svgs[name], name


def test_a_figure_is_drawn_once_per_code_and_language_then_read_from_disk(fresh_process, monkeypatch):
    calls = []
    monkeypatch.setattr(plots.style, "svg_text", lambda figure: calls.append(1) or "<svg/>")
    source = plots.FIGURES["l2-contours"]  # drawn from formulas: no network to train into the empty cache
    assert [source(), source(), source("zh"), source("zh")] == ["<svg/>"] * 4
    assert len(calls) == 2
    assert any(fresh_process.rglob("*.pkl"))


def test_drawing_changes_no_global_matplotlib_setting():
    before = dict(matplotlib.rcParams)
    plots.svg_text(plots.linearity_figure([record(0.0), record(1.0)]))
    assert dict(matplotlib.rcParams) == before


def test_every_figure_a_chapter_shows_exists_and_every_figure_is_shown():
    shown = set()
    for page in DOCS.glob("*.md"):
        shown |= set(re.findall(r"\]\(figures/([\w-]+)\.svg\)", page.read_text(encoding="utf-8")))
    assert shown == set(plots.FIGURES)


# --- the figures draw the experiments' numbers ------------------------------------------------------


def test_accuracy_figure_plots_the_default_sweep():
    records = lambda_sweep()
    ax = plots.accuracy_vs_lambda_figure().axes[0]
    train_line, test_line = ax.lines[:2]
    assert list(train_line.get_xdata()) == [r.lam for r in records]
    assert ydata(train_line) == [r.train_accuracy for r in records]
    assert ydata(test_line) == [r.test_accuracy for r in records]
    assert list(ax.lines[2].get_xdata()) == [best_record(records).lam] * 2  # the best-λ marker


def test_a_figure_changes_when_its_numbers_change():
    original = [record(0.0, 0.80), record(1.0, 0.85)]
    changed = [record(0.0, 0.80), record(1.0, 0.86)]
    assert plots.svg_text(plots.accuracy_vs_lambda_figure(original)) != plots.svg_text(
        plots.accuracy_vs_lambda_figure(changed)
    )


def test_size_figure_plots_the_size_sweep_and_the_best_lambda_for_comparison():
    records = size_sweep()
    ax = plots.accuracy_vs_m_figure().axes[0]
    assert [float(x) for x in ax.lines[0].get_xdata()] == [r.m for r in records]
    assert ydata(ax.lines[1]) == [r.test_accuracy for r in records]
    assert ydata(ax.lines[2]) == [best_record(lambda_sweep()).test_accuracy] * 2


def test_decision_boundaries_show_none_the_best_and_too_much():
    records = lambda_sweep()
    titles = [ax.get_title() for ax in plots.decision_boundaries_figure().axes if ax.get_title()]
    too_much = max(r.lam for r in records if r.active_units > 0)
    assert [t.split(":")[0] for t in titles] == [f"λ = {lam:g}" for lam in (0.0, best_record(records).lam, too_much)]
    best = best_record(records)
    assert f"test {best.test_accuracy:.3f}" in titles[1]


def test_boundary_figure_draws_one_boundary_per_network_with_active_units():
    records = lambda_sweep((0.0, 1.0, 19.0), SMALL)
    assert records[-1].active_units == 0  # dead: no boundary to draw
    legend = plots.boundary_straightening_figure(records, SMALL).axes[0].get_legend()
    labels = [text.get_text() for text in legend.get_texts()]
    assert [label.split("  ")[0] for label in labels if label.startswith("λ")] == ["λ = 0", "λ = 1"]


def test_linearity_figure_plots_norm_fraction_and_r2():
    records = lambda_sweep()
    norm_ax, linear_ax = plots.linearity_figure().axes
    assert ydata(norm_ax.lines[0]) == [r.weight_norm for r in records]
    assert ydata(linear_ax.lines[0]) == [r.linear_fraction for r in records]
    assert ydata(linear_ax.lines[1]) == [r.linear_fit_r2 for r in records]


def test_preactivation_histograms_hold_the_networks_pre_activations():
    lams = (0.0, 1.0)
    figure = plots.preactivations_figure(lams, SMALL)
    for ax, lam in zip(
        figure.axes[: len(lams)], lams, strict=True
    ):  # the panels; the tanh curves' twin axes come after
        values = hidden_preactivations(train(SMALL, lam), SMALL.data().X_test)[0]
        heights = [bar.get_height() for bar in ax.containers[0]]  # the histogram's bars
        assert sum(heights) == pytest.approx(1.0)  # bars are fractions of all pre-activations
        inside = float(np.mean(np.abs(values) <= LINEAR_BOUND))
        assert f"{inside:.0%} inside" in ax.get_title()


def test_active_units_figure_plots_both_sweeps_and_the_critical_lambda():
    tanh, relu = lambda_sweep(), lambda_sweep(setup=Setup(activation="relu"))
    data = Setup().data()
    ax = plots.active_units_figure().axes[0]
    assert ydata(ax.lines[0]) == [r.active_units for r in tanh]
    assert ydata(ax.lines[1]) == [r.active_units for r in relu]
    assert list(ax.lines[2].get_xdata()) == [critical_lambda(data.X_train, data.Y_train)] * 2


def test_unit_norms_figure_marks_each_units_product_of_norms():
    figure = plots.unit_norms_figure((0.0, 1.0))
    tanh_ax = figure.axes[0]
    params = train(Setup(), 1.0)
    products = np.linalg.norm(params[0].W, axis=1) * np.abs(params[1].W[0])
    assert sorted(ydata(tanh_ax.lines[1])) == pytest.approx(sorted(np.maximum(products, 1e-8)))


def test_figure_registers_a_styled_drawing_and_refuses_a_name_twice(monkeypatch):
    from matplotlib.figure import Figure

    def line_figure():
        drawn = Figure()
        drawn.subplots().plot([0, 1], [1, 0])
        assert matplotlib.rcParams["svg.hashsalt"] == plots.SVG_HASH_SALT  # drawn in the book's style
        return drawn

    monkeypatch.delitem(plots.FIGURES, "linearity")
    styled = plots.figure("linearity")(line_figure)
    assert plots.FIGURES["linearity"]() == plots.svg_text(styled())
    assert matplotlib.rcParams["svg.hashsalt"] != plots.SVG_HASH_SALT  # the global settings are untouched
    with pytest.raises(ValueError, match="figure 'linearity' is already registered"):
        plots.figure("linearity")(line_figure)


def test_the_linearity_legend_quotes_linear_bound():
    figure = plots.linearity_figure([record(0.0), record(1.0)])
    assert f"|z| ≤ {LINEAR_BOUND:.2f}" in [text.get_text() for text in figure.axes[1].get_legend().get_texts()][0]


# --- the bias-variance figure and the three canonical figures ----------------------------------------


def test_bias_variance_figure_plots_the_books_records_and_their_sum():
    records = bias_variance_sweep()
    lines = plots.bias_variance_figure().axes[0].lines
    assert [float(x) for x in lines[0].get_xdata()] == [r.lam for r in records]
    assert ydata(lines[0]) == [r.bias_squared for r in records]
    assert ydata(lines[1]) == [r.variance for r in records]
    assert ydata(lines[3]) == [r.bias_squared + r.variance + r.noise for r in records]
    assert ydata(lines[4]) == [r.test_error for r in records]


def test_bias_variance_figure_changes_when_a_variance_changes():
    first = [
        BiasVarianceRecord(0.0, 20, 0.01, 0.03, 0.1, 0.14, 0.15),
        BiasVarianceRecord(1.0, 20, 0.05, 0.01, 0.1, 0.16, 0.15),
    ]
    second = [first[0], BiasVarianceRecord(1.0, 20, 0.05, 0.02, 0.1, 0.17, 0.15)]
    assert plots.svg_text(plots.bias_variance_figure(first)) != plots.svg_text(plots.bias_variance_figure(second))


def test_l2_contours_path_runs_from_w_star_to_the_origin_through_the_closed_form():
    ax = plots.l2_contours_figure().axes[0]
    path = np.column_stack([ax.lines[0].get_xdata(), ax.lines[0].get_ydata()])
    hessian = np.diag([0.2, 2.0])
    assert path[0] == pytest.approx([2.0, 1.0])
    assert np.linalg.norm(path[-1]) < 0.01
    for point in path[1:]:  # every point is a regularized minimum: H(w − w*) = −(λ/m) w for one λ/m ≥ 0
        pull = hessian @ (np.array([2.0, 1.0]) - point)
        assert abs(pull[0] * point[1] - pull[1] * point[0]) < 1e-12  # parallel to w
    chosen = [float(ax.lines[2].get_xdata()[0]), float(ax.lines[2].get_ydata()[0])]
    assert chosen == pytest.approx(list(plots.regularized_minimum(hessian, np.array([2.0, 1.0]), 0.2)))


def test_regularized_minimum_scales_each_eigen_direction_by_the_symbolic_factor():
    rotation = np.array([[np.cos(0.4), -np.sin(0.4)], [np.sin(0.4), np.cos(0.4)]])
    hessian = rotation @ np.diag([0.3, 5.0]) @ rotation.T
    hessian = (hessian + hessian.T) / 2
    w_star = np.array([1.0, -2.0])
    w = plots.regularized_minimum(hessian, w_star, 0.7)
    assert rotation.T @ w == pytest.approx(shrinkage_factor(np.array([0.3, 5.0]), 0.7, 1) * (rotation.T @ w_star))


@pytest.mark.parametrize(
    ("hessian", "w_star", "decay", "name"),
    [
        (np.array([[1.0, 2.0], [0.0, 1.0]]), np.ones(2), 0.1, "hessian"),
        (np.eye(2), np.ones(3), 0.1, "w_star"),
        (np.eye(2), np.ones(2), -0.1, "decay"),
    ],
)
def test_regularized_minimum_rejects_bad_arguments_by_name(hessian, w_star, decay, name):
    with pytest.raises(ValueError, match=name):
        plots.regularized_minimum(hessian, w_star, decay)


def test_shrinkage_figure_draws_both_symbolic_factors_for_the_matched_lambda():
    l2_line, stopped_line = plots.shrinkage_vs_early_stopping_figure(0.1, 50).axes[0].lines[:2]
    h = np.asarray(l2_line.get_xdata())
    assert h[0] == pytest.approx(0.01) and h[-1] == pytest.approx(10.0)
    assert ydata(l2_line) == pytest.approx(list(shrinkage_factor(h, 0.2, 1)), rel=1e-14)
    assert ydata(stopped_line) == pytest.approx(list(early_stopping_fraction(h, 0.1, 50)), rel=1e-14)


def test_half_curvatures_are_where_each_factor_is_one_half():
    l2_half, stopped_half = plots.half_curvatures(0.05, 30)
    assert shrinkage_factor(np.array([l2_half]), 1 / (0.05 * 30), 1)[0] == pytest.approx(0.5, rel=1e-12)
    assert early_stopping_fraction(np.array([stopped_half]), 0.05, 30)[0] == pytest.approx(0.5, rel=1e-12)
    with pytest.raises(ValueError, match="lr"):
        plots.half_curvatures(0.0, 30)
    with pytest.raises(ValueError, match="steps"):
        plots.half_curvatures(0.1, 0)


def test_step_size_figure_draws_each_curve_and_marks_its_minimum_and_the_predicted_step():
    curves = [
        step_size_curve(np.float64, (1e-2, 1e-5, 1e-8), networks=5),
        step_size_curve(np.float32, (1e-1, 1e-2, 1e-4), networks=5),
    ]
    lines = plots.step_size_figure(curves).axes[0].lines
    for index, curve in enumerate(curves):
        data, best, predicted = lines[3 * index : 3 * index + 3]
        assert ydata(data) == list(curve.errors)
        assert ydata(best) == [curve.best_error] and list(best.get_xdata()) == [curve.best_step]
        assert list(predicted.get_xdata()) == [curve.predicted_step] * 2


def test_step_size_figure_by_default_shows_float64_and_float32_over_the_default_steps():
    figure = plots.step_size_figure()
    ax = figure.axes[0]
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert [label.split(",")[0] for label in labels] == ["float64", "float32"]
    assert ax.get_xscale() == ax.get_yscale() == "log"
