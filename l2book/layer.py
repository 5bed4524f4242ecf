"""The parameters of one layer of the network: the type every function of the package passes around."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Layer(NamedTuple):
    """Parameters of one layer: ``W`` of shape ``(n_l, n_{l-1})``, ``b`` of shape ``(n_l, 1)``.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Layer(W=np.zeros((3, 2)), b=np.zeros((3, 1)))
    >>> layer.W.shape, layer.b.shape
    ((3, 2), (3, 1))
    """

    W: np.ndarray
    b: np.ndarray
