"""The language of the words in a figure: English, or Chinese for the book's Chinese edition.

Every word a figure shows goes through :func:`translated`, which returns the
English template itself, or its entry in :data:`CHINESE` while a figure is
drawn inside ``with figure_language("zh"):``. A template is a
:meth:`str.format` string, so numbers stay numbers in both languages.

A Chinese text never contains ``$…$``: matplotlib's mathtext draws the whole
string in its own fonts, which have no Chinese glyphs, so symbols are written
in Unicode there (``w₁``, ``√(Σ‖W[l]‖²)``).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

LANGUAGES = ("en", "zh")
"""The languages a figure can be drawn in: the book's two editions."""

CHINESE: dict[str, str] = {
    # chapter 1
    "training set": "训练集",
    "test set": "测试集",
    "best λ = {lam:g}\ntest {accuracy:.3f}": "最佳 λ = {lam:g}\n测试 {accuracy:.3f}",
    "accuracy": "准确率",
    "Overfitting on the left, underfitting on the right": "左侧过拟合，右侧欠拟合",
    "training set, λ = 0": "训练集，λ = 0",
    "test set, λ = 0": "测试集，λ = 0",
    "test set, λ = {lam:g} at m = {m}": "测试集，λ = {lam:g}，m = {m}",
    "training examples m": "训练样本数 m",
    "More data closes the gap": "更多数据缩小差距",
    "λ = {lam:g}: train {train:.2f}, test {test:.3f}": "λ = {lam:g}：训练 {train:.2f}，测试 {test:.3f}",
    "predicted P(class 1)": "预测的 P(类别 1)",
    "class {label}": "类别 {label}",
    # chapter 4
    "λ = {lam:g}  (R² = {r2:.3f})": "λ = {lam:g}（R² = {r2:.3f}）",
    "The decision boundary straightens as λ grows": "λ 增大，决策边界变直",
    "boundary of": "决策边界",
    "weight norm  $\\sqrt{{\\sum_l \\|W^{{[l]}}\\|_F^2}}$": "权重范数 √(Σ‖W[l]‖²)",
    "L2 shrinks the weights": "L2 使权重收缩",
    "pre-activations with |z| ≤ {bound:.2f}": "|z| ≤ {bound:.2f} 的预激活",
    "R² of the best affine fit": "最佳仿射拟合的 R²",
    "…which makes the network linear": "……从而使网络接近线性",
    "tanh z": "tanh z",
    "z": "z",
    "λ = {lam:g}: {inside:.0%} inside |z| ≤ {bound:.2f}": "λ = {lam:g}：{inside:.0%} 落在 |z| ≤ {bound:.2f} 内",
    "hidden pre-activation z": "隐藏层预激活 z",
    "fraction of all z (bars)": "占全部 z 的比例（柱）",
    # chapter 5
    "active hidden units (std > {threshold:g})": "活跃隐藏单元数（标准差 > {threshold:g}）",
    "ReLU units switch off separately; tanh units die together": "ReLU 单元逐个关闭，tanh 单元一起死亡",
    "off: below 1e-8": "关闭：低于 1e-8",
    "{activation}: one mark per unit": "{activation}：每个单元一个标记",
    "‖w_in‖·|w_out| of each unit": "每个单元的 ‖w_in‖·|w_out|",
    # chapter 1, bias and variance
    "bias²": "偏差²",
    "variance": "方差",
    "noise p*(1 − p*)": "噪声 p*(1 − p*)",
    "bias² + variance + noise": "偏差² + 方差 + 噪声",
    "measured test error (p̂ − y)²": "实测测试误差 (p̂ − y)²",
    "squared error of P(class 1)": "P(类别 1) 的平方误差",
    "As λ grows, variance falls and bias rises ({sets} training sets)": "λ 增大，方差下降、偏差上升（{sets} 个训练集）",
    # chapter 3
    "regularized minimum, λ from 0 to ∞": "正则化最小值点，λ 从 0 到 ∞",
    "w*  (λ = 0)": "w*（λ = 0）",
    "contours of the data loss J": "数据损失 J 的等高线",
    "circles of the penalty ‖w‖²": "惩罚项 ‖w‖² 的等值圆",
    "$w_1$ (flat direction)": "w₁（平坦方向）",
    "$w_2$ (stiff direction)": "w₂（陡峭方向）",
    "L2 pulls the minimum in along the flat direction first": "L2 先沿平坦方向把最小值点拉向原点",
    # chapter 7
    "L2 with λ/m = 1/(ατ) = {decay:g}:  $h/(h + \\lambda/m)$": "L2，λ/m = 1/(ατ) = {decay:g}：  h/(h + λ/m)",
    "early stopping, τ = {steps}, α = {lr:g}:  $1 - (1 - \\alpha h)^\\tau$": (
        "早停，τ = {steps}，α = {lr:g}：  1 − (1 − αh)^τ"
    ),
    "largest gap {gap:.2f}\nat h = {h:.2f}": "最大差距 {gap:.2f}\n位于 h = {h:.2f}",
    "curvature h along an eigen-direction (log scale)": "沿特征方向的曲率 h（对数坐标）",
    "fraction of w* kept": "w* 保留的比例",
    "Both remove flat directions and keep stiff ones; early stopping cuts more sharply": (
        "两者都去掉平坦方向、保留陡峭方向；早停的截断更陡"
    ),
    # chapter 6
    "{dtype}, median of {networks} networks: smallest ≈ {error:.0e} at h = {step:.0e}": (
        "{dtype}，{networks} 个网络的中位数：最小 ≈ {error:.0e}，h = {step:.0e}"
    ),
    "step h": "步长 h",
    "relative error of ∂J/∂W[1]": "∂J/∂W[1] 的相对误差",
    "Truncation falls as h², rounding grows as 1/h: the V bottoms out near ∛ε": (
        "截断误差按 h² 下降，舍入误差按 1/h 增长：V 形在 ∛ε 附近见底"
    ),
}
"""The Chinese of every English template a figure uses (a test draws every figure in Chinese)."""

_CURRENT = contextvars.ContextVar("figure_language", default="en")


@contextlib.contextmanager
def figure_language(language: str) -> Iterator[None]:
    """Draw the figures inside the ``with`` block in ``language`` (``"en"`` or ``"zh"``).

    Examples
    --------
    >>> with figure_language("zh"):
    ...     print(translated("training set"))
    训练集
    >>> print(translated("training set"))
    training set
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    token = _CURRENT.set(language)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def translated(template: str, **values: Any) -> str:
    """Return the English ``template`` in the current figure language, formatted with ``values``.

    Examples
    --------
    >>> translated("class {label}", label=1)
    'class 1'
    >>> with figure_language("zh"):
    ...     print(translated("class {label}", label=1))
    类别 1
    """
    if _CURRENT.get() == "zh":
        if template not in CHINESE:
            raise KeyError(f"no Chinese for the figure text {template!r}: add it to l2book.plots.language.CHINESE")
        template = CHINESE[template]
    return template.format(**values)
