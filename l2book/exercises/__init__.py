"""The implement-exercises of the book, and a grader that names the reader's mistake.

``EXERCISES`` lists what to write (signature, statement, chapter);
:func:`check` runs a reader's function beside the verified library on random
problems and returns a :class:`Report`. ``MISTAKES`` lists the mistakes the
grader can name. ``python -m l2book exercises --starter FILE`` writes a file
to start from and ``python -m l2book check FILE`` grades it.

Examples
--------
>>> import numpy as np
>>> from l2book.exercises import EXERCISES, check
>>> EXERCISES["backward"].signature
'backward(params, X, Y, lam) -> list'
>>> def l2_penalty(weights, lam, m):
...     return lam / (2 * m) * sum(float(np.sum(W * W)) for W in weights)
>>> check("l2_penalty", l2_penalty).passed
True
"""

from __future__ import annotations

from l2book.exercises.catalogue import EXERCISES, Exercise, Section
from l2book.exercises.grader import Report, check
from l2book.exercises.mistakes import MISTAKES
from l2book.exercises.starter import starter_source, write_starter

__all__ = ["EXERCISES", "MISTAKES", "Exercise", "Report", "Section", "check", "starter_source", "write_starter"]
