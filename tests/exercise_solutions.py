"""Answers to the four implement-exercises, written independently of l2book, with switches that plant slips.

The first set works one example at a time with plain loops (no matrix
products, nothing from l2book), so the grader's verdict on it is evidence
about the grader, not l2book agreeing with itself. Each ``slip`` is one
realistic wrong line; ``PLANTED`` says which mistake the grader must name for
it. The second set (``vectorized``) is a different correct style: ``@``,
``np.einsum``, attribute access on the Layers and lists instead of tuples.
"""

from __future__ import annotations

import math

import numpy as np

#: (exercise, slip) -> (the mistake the grader must name, words its message must contain)
PLANTED = {
    ("l2_penalty", "no_half"): ("penalty_scale", "(the ½ is missing)"),
    ("l2_penalty", "no_mean"): ("penalty_scale", "(the 1/m is missing)"),
    ("l2_penalty", "bare"): ("penalty_scale", "(the ½ and the 1/m are missing)"),
    ("l2_penalty", "negative"): ("sign", "wrong sign"),
    ("l2_penalty", "array"): ("shape", "an array of shape (1, 1), not a float"),
    ("l2_penalty", "squares_in_place"): ("mutates_input", "changed its argument weights[0]"),
    ("regularized_cost", "no_penalty"): ("penalty_missing", "no penalty term"),
    ("regularized_cost", "no_half"): ("penalty_scale", "(the ½ is missing)"),
    ("regularized_cost", "no_mean_in_penalty"): ("penalty_scale", "(the 1/m is missing)"),
    ("regularized_cost", "bare_penalty"): ("penalty_scale", "(the ½ and the 1/m are missing)"),
    ("regularized_cost", "biases_penalized"): ("bias_penalized", "includes the biases"),
    ("regularized_cost", "summed"): ("mean_missing", "m·J instead of J"),
    ("regularized_cost", "no_mean_anywhere"): ("mean_missing", "no 1/m anywhere"),
    ("regularized_cost", "cross_entropy_sign"): ("sign", "the cross-entropy has the wrong sign"),
    ("regularized_cost", "penalty_subtracted"): ("sign", "the penalty term is subtracted"),
    ("regularized_cost", "per_example"): ("shape", "an array of shape"),
    ("regularized_cost", "clips_in_place"): ("mutates_input", "changed its argument params[0].W"),
    ("backward", "no_penalty"): ("penalty_missing", "(λ/m)·W is missing"),
    ("backward", "half_penalty"): ("penalty_scale", "it is λ/(2m)·W"),
    ("backward", "double_penalty"): ("penalty_scale", "it is 2λ/m·W"),
    ("backward", "penalty_without_mean"): ("penalty_scale", "it is λ·W"),
    ("backward", "penalty_over_m_squared"): ("penalty_scale", "it is λ/m²·W"),
    ("backward", "bias_penalized"): ("bias_penalized", "db has a penalty term"),
    ("backward", "db_summed"): ("mean_missing", "db is summed over the examples"),
    ("backward", "delta_summed"): ("mean_missing", "the data part of dW and db is summed"),
    ("backward", "no_mean_anywhere"): ("mean_missing", "no 1/m anywhere"),
    ("backward", "one_minus_tanh"): ("tanh_derivative", "1 − A²"),
    ("backward", "transposed"): ("transposed", "dW is transposed:"),
    ("backward", "transposed_reshaped"): ("transposed", "reshaped to W's shape"),
    ("backward", "transposed_when_square"): ("transposed", "where W is square"),
    ("backward", "delta_sign"): ("sign", "dZ = A − Y, not Y − A"),
    ("backward", "penalty_subtracted"): ("sign", "the penalty term of dW is subtracted"),
    ("backward", "uphill"): ("sign", "points uphill"),
    ("backward", "first_layer_sign"): ("sign", "in dW^[1], db^[1], on every problem;"),
    ("backward", "db_flat"): ("shape", "(sum with keepdims=True)"),
    ("backward", "penalty_in_place"): ("mutates_input", "changed its argument params[0].W"),
    ("weight_decay_update", "no_decay"): ("penalty_missing", "the weights are not decayed"),
    ("weight_decay_update", "decay_without_mean"): ("penalty_scale", "(λ instead of λ/m)"),
    ("weight_decay_update", "half_decay"): ("penalty_scale", "(1 − αλ/(2m))·W"),
    ("weight_decay_update", "double_decay"): ("penalty_scale", "(1 − 2αλ/m)·W"),
    ("weight_decay_update", "decay_without_lr"): ("penalty_scale", "the learning rate α is missing"),
    ("weight_decay_update", "biases_decayed"): ("bias_penalized", "the biases are decayed too"),
    ("weight_decay_update", "uphill"): ("sign", "the data step has the wrong sign"),
    ("weight_decay_update", "growing"): ("sign", "the decay has the wrong sign"),
    ("weight_decay_update", "in_place"): ("mutates_input", "the values it returns are right"),
    ("weight_decay_update", "flat_list"): ("shape", "not a (W, b) pair"),
}


# --- Small helpers, one number at a time ------------------------------------------------------


def column(X, j):
    return [float(X[i, j]) for i in range(X.shape[0])]


def affine(W, b, a):
    """W a + b for one example, with loops."""
    return [sum(float(W[i, k]) * a[k] for k in range(W.shape[1])) + float(b[i, 0]) for i in range(W.shape[0])]


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def forward_one(params, x):
    """The activations of one example, input first: [a^[0], a^[1], ..., a^[L]]."""
    activations = [x]
    for index, (W, b) in enumerate(params):
        z = affine(W, b, activations[-1])
        last = index == len(params) - 1
        activations.append([sigmoid(v) if last else math.tanh(v) for v in z])
    return activations


# --- The four answers ---------------------------------------------------------------------------


def l2_penalty(weights, lam, m, slip=None):
    total = 0.0
    for W in weights:
        if slip == "squares_in_place":
            W **= 2  # squares the caller's array
            total += float(W.sum())
            continue
        for value in W.flat:
            total += float(value) * float(value)
    coefficient = {"no_half": lam / m, "no_mean": lam / 2, "bare": lam, "negative": -lam / (2 * m)}.get(
        slip, lam / (2 * m)
    )
    if slip == "array":
        return np.array([[coefficient * total]])
    return coefficient * total


def regularized_cost(params, X, Y, lam, slip=None):
    m = X.shape[1]
    losses = []
    for j in range(m):
        y_hat = forward_one(params, column(X, j))[-1][0]
        y = float(Y[0, j])
        losses.append(-(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat)))
    data = sum(losses) if slip in ("summed", "no_mean_anywhere") else sum(losses) / m
    if slip == "cross_entropy_sign":
        data = -data
    squares = 0.0
    for W, b in params:
        if slip == "clips_in_place":
            np.clip(W, -1.0, 1.0, out=W)  # "keeps the weights sane" in the caller's arrays
        squares += sum(float(v) ** 2 for v in W.flat)
        if slip == "biases_penalized":
            squares += sum(float(v) ** 2 for v in b.flat)
    coefficient = {"no_half": lam / m, "no_mean_in_penalty": lam / 2, "bare_penalty": lam, "no_penalty": 0.0,
                   "no_mean_anywhere": lam / 2, "penalty_subtracted": -lam / (2 * m)}.get(slip, lam / (2 * m))
    if slip == "per_example":
        return np.array(losses) / m + coefficient * squares / m
    return data + coefficient * squares


def backward(params, X, Y, lam, slip=None):
    m = X.shape[1]
    sums = [[np.zeros(W.shape), np.zeros(b.shape)] for W, b in params]
    for j in range(m):
        a = forward_one(params, column(X, j))
        delta = [a[-1][i] - float(Y[i, j]) for i in range(len(a[-1]))]
        if slip == "delta_sign":
            delta = [-d for d in delta]
        for layer in reversed(range(len(params))):
            W = params[layer][0]
            for r in range(W.shape[0]):
                sums[layer][1][r, 0] += delta[r]
                for c in range(W.shape[1]):
                    sums[layer][0][r, c] += delta[r] * a[layer][c]
            if layer:
                slope = [1 - v if slip == "one_minus_tanh" else 1 - v * v for v in a[layer]]
                delta = [sum(float(W[r, c]) * delta[r] for r in range(W.shape[0])) * slope[c]
                         for c in range(W.shape[1])]
    data_scale = 1.0 if slip in ("delta_summed", "no_mean_anywhere") else 1.0 / m
    penalty_scale = {"no_penalty": 0.0, "half_penalty": lam / (2 * m), "double_penalty": 2 * lam / m,
                     "penalty_without_mean": lam, "penalty_over_m_squared": lam / m**2, "no_mean_anywhere": lam,
                     "penalty_subtracted": -lam / m}.get(slip, lam / m)
    grads = []
    for layer, ((W, b), (sum_W, sum_b)) in enumerate(zip(params, sums, strict=True)):
        if slip == "penalty_in_place":
            penalty = W
            penalty *= lam / m  # the classic alias: this scales the caller's W
            dW = sum_W * data_scale + penalty
        else:
            dW = sum_W * data_scale + penalty_scale * W
        db = sum_b * (1.0 if slip in ("db_summed", "no_mean_anywhere") else data_scale)
        if slip == "bias_penalized":
            db = db + lam / m * b
        if slip == "transposed" or (slip == "transposed_when_square" and W.shape[0] == W.shape[1]):
            dW = dW.T
        if slip == "transposed_reshaped":
            dW = dW.T.reshape(W.shape)
        if slip == "uphill" or (slip == "first_layer_sign" and layer == 0):
            dW, db = -dW, -db
        if slip == "db_flat":
            db = db[:, 0]
        grads.append((dW, db))
    return grads


def weight_decay_update(params, grads, lr, lam, m, slip=None):
    rate = {"no_decay": 0.0, "decay_without_mean": lr * lam, "half_decay": lr * lam / (2 * m),
            "double_decay": 2 * lr * lam / m, "decay_without_lr": lam / m, "growing": -lr * lam / m}.get(
        slip, lr * lam / m)
    step = -lr if slip == "uphill" else lr
    new = []
    for (W, b), (dW, db) in zip(params, grads, strict=True):
        if slip == "in_place":
            W *= 1 - rate
            W -= step * dW
            b -= step * db
            new.append((W, b))
            continue
        new_W = np.empty(W.shape)
        for index in np.ndindex(W.shape):
            new_W[index] = (1 - rate) * W[index] - step * dW[index]
        new_b = np.empty(b.shape)
        for index in np.ndindex(b.shape):
            decayed = (1 - rate) * b[index] if slip == "biases_decayed" else b[index]
            new_b[index] = decayed - step * db[index]
        if slip == "flat_list":
            new.extend([new_W, new_b])
        else:
            new.append((new_W, new_b))
    return new


LOOPS = {"l2_penalty": l2_penalty, "regularized_cost": regularized_cost, "backward": backward,
         "weight_decay_update": weight_decay_update}


def planted(exercise, slip):
    """Return the loop answer to ``exercise`` with ``slip`` planted (None: the correct answer)."""
    answer = LOOPS[exercise]

    def with_slip(*args):
        return answer(*args, slip=slip)

    with_slip.__name__ = exercise
    return with_slip


# --- A second correct style: vectorized, attribute access, lists --------------------------------


def vectorized_l2_penalty(weights, lam, m):
    return lam / (2 * m) * sum(np.einsum("ij,ij->", W, W) for W in weights)


def vectorized_regularized_cost(params, X, Y, lam):
    A = X
    for layer in params[:-1]:
        A = np.tanh(np.dot(layer.W, A) + layer.b)
    Z = params[-1].W @ A + params[-1].b
    Y_hat = 1 / (1 + np.exp(-Z))
    m = Y.shape[1]
    J = -np.mean(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat))
    return float(J + lam / (2 * m) * sum(np.linalg.norm(layer.W, "fro") ** 2 for layer in params))


def vectorized_backward(params, X, Y, lam):
    m = X.shape[1]
    As = [X]
    for layer in params[:-1]:
        As.append(np.tanh(layer.W @ As[-1] + layer.b))
    dZ = (1 / (1 + np.exp(-(params[-1].W @ As[-1] + params[-1].b))) - Y) / m
    grads = [None] * len(params)
    for l in range(len(params) - 1, -1, -1):
        W = params[l].W
        grads[l] = [np.einsum("ik,jk->ij", dZ, As[l]) + (lam / m) * W, np.sum(dZ, axis=1, keepdims=True)]
        if l:
            dZ = np.dot(W.T, dZ) * (1 - np.square(As[l]))
    return grads


def vectorized_weight_decay_update(params, grads, lr, lam, m):
    return [[layer.W * (1 - lr * lam / m) - lr * grad[0], layer.b - lr * grad[1]]
            for layer, grad in zip(params, grads, strict=True)]


VECTORIZED = {"l2_penalty": vectorized_l2_penalty, "regularized_cost": vectorized_regularized_cost,
              "backward": vectorized_backward, "weight_decay_update": vectorized_weight_decay_update}
