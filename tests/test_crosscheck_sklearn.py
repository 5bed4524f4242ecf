"""Cross-checks against the running scikit-learn: MLP loss and gradients, the minibatch ``alpha``, and ``Ridge``.

How the MLP is compared at *our* weights, robustly across scikit-learn ≥ 1.4:
the private ``_backprop`` changed signature (``sample_weight`` was added), so
instead we use only public attributes and one plain SGD step. ``partial_fit``
once initializes the estimator; we then overwrite ``coefs_``/``intercepts_``
with our parameters (transposed: scikit-learn's rows are examples, so its
``coefs_[l]`` is our ``W^[l].T``) and call ``partial_fit`` again. With
``solver="sgd"``, ``momentum=0``, ``shuffle=False`` and one batch of all
``m`` rows, that second call takes exactly one step ``θ ← θ − lr·∇``, where
``∇`` is scikit-learn's regularized gradient at our weights, and sets
``loss_`` to its regularized loss there. So ``(θ_old − θ_new)/lr`` is its
gradient, and ``loss_`` its cost.
"""

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.neural_network import MLPClassifier, MLPRegressor

from l2book import Layer, cost, gradients, l2_penalty_grad, sgd_step, weight_decay_step
from l2book.conventions import sklearn_mlp_alpha, sklearn_ridge_alpha
from l2book.symbolic import ridge_solution
from tests.helpers import random_problem

LAM = 0.7


def sklearn_step(estimator, params, X, Y, *, classes=None):
    """Return scikit-learn's (loss, gradient as Layers) at ``params`` via one SGD step (see module docstring)."""
    lr = estimator.learning_rate_init
    first_call = {"classes": classes} if classes is not None else {}
    estimator.partial_fit(X.T, Y.ravel(), **first_call)
    estimator.coefs_ = [W.T.copy() for W, _ in params]
    estimator.intercepts_ = [b.ravel().copy() for _, b in params]
    estimator.partial_fit(X.T, Y.ravel())
    grads = [
        Layer((W - coef.T) / lr, (b - intercept.reshape(-1, 1)) / lr)
        for (W, b), coef, intercept in zip(params, estimator.coefs_, estimator.intercepts_)
    ]
    return estimator.loss_, grads


def one_step_estimator(kind, hidden, alpha, batch_size, lr=1.0):
    """An MLP whose ``partial_fit`` is plain SGD: constant rate, no momentum, no shuffling."""
    return kind(
        hidden_layer_sizes=hidden,
        activation="tanh",
        solver="sgd",
        alpha=alpha,
        batch_size=batch_size,
        learning_rate="constant",
        learning_rate_init=lr,
        momentum=0.0,
        nesterovs_momentum=False,
        shuffle=False,
        random_state=0,
    )


def largest_difference(a_layers, b_layers):
    pairs = [(a, b) for a_layer, b_layer in zip(a_layers, b_layers) for a, b in zip(a_layer, b_layer)]
    return max(float(np.abs(a - b).max()) for a, b in pairs)


def test_mlp_classifier_computes_the_books_regularized_cost_and_gradients():
    params, X, Y = random_problem([3, 5, 4, 1], 12, seed=3)
    alpha = sklearn_mlp_alpha(LAM, m=12)
    estimator = one_step_estimator(MLPClassifier, (5, 4), alpha, batch_size=12)
    loss, grads = sklearn_step(estimator, params, X, Y, classes=[0.0, 1.0])
    assert loss == pytest.approx(cost(params, X, Y, LAM), rel=1e-13)
    assert largest_difference(grads, gradients(params, X, Y, LAM)) < 1e-14


def test_mlp_regressor_computes_the_books_mse_cost_and_gradients():
    params, X, Y = random_problem([2, 6, 1], 9, seed=4, labels="real")
    estimator = one_step_estimator(MLPRegressor, (6,), sklearn_mlp_alpha(LAM, m=9), batch_size=9)
    loss, grads = sklearn_step(estimator, params, X, Y)
    assert loss == pytest.approx(cost(params, X, Y, LAM, loss="mse"), rel=1e-13)
    assert largest_difference(grads, gradients(params, X, Y, LAM, loss="mse")) < 1e-14


def test_the_penalty_term_alone_is_what_sklearn_adds():
    # The data part cancels between λ and λ = 0: what is left is scikit-learn's penalty gradient.
    params, X, Y = random_problem([3, 4, 1], 8, seed=5)
    _, with_penalty = sklearn_step(one_step_estimator(MLPClassifier, (4,), 2.0, 8), params, X, Y, classes=[0.0, 1.0])
    _, without = sklearn_step(one_step_estimator(MLPClassifier, (4,), 0.0, 8), params, X, Y, classes=[0.0, 1.0])
    penalty = [a.W - b.W for a, b in zip(with_penalty, without)]
    expected = l2_penalty_grad([W for W, _ in params], lam=2.0, m=8)
    assert max(float(np.abs(p - e).max()) for p, e in zip(penalty, expected)) < 1e-14


def book_epoch(params, X, Y, lam, m, batch_size, lr):
    """One epoch of minibatch SGD on the book's cost: each step's penalty gradient is (λ/m)W, whatever the batch."""
    for start in range(0, m, batch_size):
        batch = slice(start, start + batch_size)
        data = gradients(params, X[:, batch], Y[:, batch], lam=0.0)
        penalty = l2_penalty_grad([W for W, _ in params], lam, m)
        params = sgd_step(params, [Layer(d.W + p, d.b) for d, p in zip(data, penalty)], lr)
    return params


def sklearn_epoch(params, X, Y, alpha, batch_size, lr):
    estimator = one_step_estimator(MLPClassifier, (4,), alpha, batch_size, lr=lr)
    estimator.partial_fit(X.T, Y.ravel(), classes=[0.0, 1.0])
    estimator.coefs_ = [W.T.copy() for W, _ in params]
    estimator.intercepts_ = [b.ravel().copy() for _, b in params]
    estimator.partial_fit(X.T, Y.ravel())  # one epoch: m / batch_size steps, in order
    return [Layer(c.T, i.reshape(-1, 1)) for c, i in zip(estimator.coefs_, estimator.intercepts_)]


def test_minibatch_alpha_is_lambda_times_batch_over_m():
    params, X, Y = random_problem([3, 4, 1], 20, seed=6)
    lam, m, batch_size, lr = 3.0, 20, 5, 0.5
    ours = book_epoch(params, X, Y, lam, m, batch_size, lr)
    converted = sklearn_epoch(params, X, Y, sklearn_mlp_alpha(lam, m, batch_size), batch_size, lr)
    assert largest_difference(ours, converted) < 1e-14
    # Passing λ itself would penalize each step m/B = 4 times too strongly: a visible difference.
    naive = sklearn_epoch(params, X, Y, lam, batch_size, lr)
    assert largest_difference(ours, naive) > 1e-2


def ridge_problem(seed=7, m=40, n=3):
    """Rows are examples (scikit-learn's layout); an offset in y makes the intercept matter."""
    rng = np.random.default_rng(seed)
    X_rows = rng.standard_normal((m, n)) * np.array([2.0, 0.5, 1.0]) + 1.5
    y = X_rows @ np.array([1.0, -2.0, 0.5]) + 3.0 + 0.3 * rng.standard_normal(m)
    return X_rows, y


def closed_form_with_intercept(X_rows, y, lam):
    """The unpenalized intercept absorbs the means: solve the centered problem, then b = ȳ − x̄·w."""
    x_mean, y_mean = X_rows.mean(axis=0), y.mean()
    w = ridge_solution(X_rows - x_mean, y - y_mean, lam).ravel()
    return w, y_mean - x_mean @ w


def gradient_descent_with_weight_decay(X_rows, y, lam, steps=4000):
    """A one-layer network with identity output and MSE is linear regression; train it with weight decay."""
    m, n = X_rows.shape
    X, Y = X_rows.T.copy(), y.reshape(1, -1)
    curvature = np.linalg.eigvalsh(X @ X.T / m).max() + lam / m
    params = [Layer(np.zeros((1, n)), np.zeros((1, 1)))]
    for _ in range(steps):
        data = gradients(params, X, Y, 0.0, loss="mse")
        params = weight_decay_step(params, data, lr=1.0 / curvature, lam=lam, m=m)
    return params[0].W.ravel(), float(params[0].b[0, 0])


def test_ridge_matches_the_closed_form_and_gradient_descent_with_weight_decay():
    X_rows, y = ridge_problem()
    ridge = Ridge(alpha=sklearn_ridge_alpha(LAM * 10)).fit(X_rows, y)
    w_closed, b_closed = closed_form_with_intercept(X_rows, y, LAM * 10)
    w_descent, b_descent = gradient_descent_with_weight_decay(X_rows, y, LAM * 10)
    np.testing.assert_allclose(ridge.coef_, w_closed, rtol=1e-12)
    assert ridge.intercept_ == pytest.approx(b_closed, rel=1e-12)
    np.testing.assert_allclose(w_descent, w_closed, rtol=1e-10)
    assert b_descent == pytest.approx(b_closed, rel=1e-10)
    # The tempting alpha = λ/m (the weight-decay coefficient) is a different, weaker penalty.
    too_weak = Ridge(alpha=LAM * 10 / len(y)).fit(X_rows, y)
    assert np.abs(too_weak.coef_ - w_closed).max() > 1e-2
