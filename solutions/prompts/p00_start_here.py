"""Worked solutions to the "Check it yourself" prompts of notebook 00-start-here."""

from __future__ import annotations

import numpy as np
from _prompt import collect, prompt


@prompt(
    "8315c367",
    check=lambda r: (
        r["identical_seed_7"] == 1
        and r["identical_seed_8"] == 0
        and r["positions_equal_seed_8"] == 0
    ),
)
def change_the_seed():
    """Give ``second`` the seed 8 and run the cell again.

    **What to change.** ``second = np.random.default_rng(8).integers(0, 11, size=8)``.

    **What comes out.** ``first`` is still ``[10 6 7 9 6 8 9 2]``; ``second`` is a
    different row, ``[7 3 2 10 1 3 7 8]``, and the cell prints ``identical: False``. (Two
    streams may agree in a position by chance; these two agree in none.)

    **Why.** A seed fixes the whole stream of numbers a generator produces, and a
    different seed starts a different stream (PCG64, O'Neill 2014; NumPy's generator,
    Harris et al. 2020). That is why every notebook states its seeds: with the same seed
    your run reproduces the text; with another, the numbers change by chance alone.
    Change the seed back to 7, or later cells that rely on it will differ from the text.
    """
    first = np.random.default_rng(7).integers(0, 11, size=8)
    same = np.random.default_rng(7).integers(0, 11, size=8)
    other = np.random.default_rng(8).integers(0, 11, size=8)
    return {
        "identical_seed_7": int((first == same).all()),
        "identical_seed_8": int((first == other).all()),
        "positions_equal_seed_8": int((first == other).sum()),
    }


PROMPTS = collect(globals())
