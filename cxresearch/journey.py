"""Customer journeys: stages, touchpoints and channels, Markov journeys, funnel vs journey, peak-end.

A customer journey is a sequence of touchpoints. Each touchpoint belongs to a
*stage* (Lemon & Verhoef 2016: pre-purchase, purchase, post-purchase), happens in a
*channel* (store, web, app, phone, social) and is *owned* by someone (the brand, a
partner, the customer, or others: social/external).

This module turns those ideas into things to compute:

- a Markov chain over ``stage:channel`` states with the transition matrix as a
  parameter: :func:`journey_transition_matrix` builds one from a few readable rates,
  :func:`check_transition_matrix` validates any matrix;
- its closed-form quantities: :func:`fundamental_matrix`, :func:`expected_steps`,
  :func:`absorption_probabilities`, :func:`hitting_probabilities` (absorbing chains)
  and :func:`stationary_distribution` (ergodic chains);
- simulated journeys (:func:`simulate_journeys`) and what they show
  (:func:`journey_metrics`: stage reach, conversion, loop-back, showrooming and
  webrooming; :func:`channel_switches`);
- the classic funnel against the digital journey (:func:`simulate_consideration`,
  :func:`funnel_vs_journey`): the size of the consideration set step by step;
- the peak-end rule (:func:`peak_end`): remembered against average experience.

State labels are strings ``"stage:channel"`` (e.g. ``"pre_purchase:web"``); a
label without a colon (e.g. ``"exit"``) is a state with a stage but no channel.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v

__all__ = [
    "CHANNELS",
    "OFFLINE_CHANNELS",
    "ONLINE_CHANNELS",
    "STAGES",
    "TOUCHPOINT_OWNERS",
    "absorption_probabilities",
    "channel_switches",
    "example_journey",
    "check_transition_matrix",
    "expected_steps",
    "fundamental_matrix",
    "funnel_vs_journey",
    "hitting_probabilities",
    "journey_metrics",
    "journey_states",
    "journey_transition_matrix",
    "peak_end",
    "simulate_consideration",
    "simulate_journeys",
    "stationary_distribution",
]

#: The three stages of the customer journey (Lemon & Verhoef 2016, Fig. 1):
#: ``pre_purchase`` (need recognition, search, consideration), ``purchase`` (choice,
#: ordering, payment) and ``post_purchase`` (usage, service, recommendation, renewal).
STAGES: tuple[str, ...] = ("pre_purchase", "purchase", "post_purchase")

#: Who owns a touchpoint (Lemon & Verhoef 2016): designed and controlled by the firm
#: (``brand_owned``: advertising, website, loyalty program), jointly by the firm and a
#: partner (``partner_owned``: marketplace, agency, retailer of the brand), by the
#: customer (``customer_owned``: own needs, own choice of payment, own use), or by
#: nobody in particular (``social_external``: other customers, reviews, peers, media).
TOUCHPOINT_OWNERS: tuple[str, ...] = (
    "brand_owned",
    "partner_owned",
    "customer_owned",
    "social_external",
)

#: The channels a touchpoint can happen in.
CHANNELS: tuple[str, ...] = ("store", "web", "app", "phone", "social")

#: Channels counted as online and offline for showrooming and webrooming. The phone
#: is neither: a switch to or from it is not counted as either.
ONLINE_CHANNELS: tuple[str, ...] = ("web", "app", "social")
OFFLINE_CHANNELS: tuple[str, ...] = ("store",)

_ABS_TOL = 1e-9


# --------------------------------------------------------------------------- helpers


def example_journey() -> pd.DataFrame:
    """A made-up retail journey (buying a winter coat), one row per touchpoint.

    For journey maps and peak-end exercises: each touchpoint has its stage, owner
    and channel (Lemon & Verhoef 2016) and the customer's feeling from -3 (very
    negative) to +3 (very positive). The story: social posts and an ad start the
    search, reviews online, trying on in the store, an empty shelf, an order in
    the app (showrooming), a late parcel, a wrong size, a quick free exchange and a
    review.

    Returns
    -------
    pandas.DataFrame
        Columns ``step`` (1-10), ``stage`` (:data:`STAGES`), ``touchpoint``, ``owner``
        (:data:`TOUCHPOINT_OWNERS`), ``channel`` (:data:`CHANNELS`) and ``feeling``.

    References
    ----------
    Lemon, K. N., & Verhoef, P. C. (2016). Understanding customer experience throughout
    the customer journey. *Journal of Marketing*, 80(6), 69-96.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> journey = jr.example_journey()
    >>> journey.groupby("stage", sort=False)["feeling"].mean()
    stage
    pre_purchase     1.25
    purchase        -0.50
    post_purchase    0.00
    Name: feeling, dtype: float64
    """
    rows = [
        ("pre_purchase", "Sees a friend's post about the coat", "social_external", "social", 1),
        ("pre_purchase", "Brand ad in the social feed", "brand_owned", "social", 1),
        ("pre_purchase", "Reads reviews on a comparison site", "social_external", "web", 2),
        ("pre_purchase", "Tries coats on in the store", "brand_owned", "store", 1),
        ("purchase", "Size out of stock on the shelf", "brand_owned", "store", -2),
        ("purchase", "Orders in the app, pays with own wallet", "customer_owned", "app", 1),
        ("post_purchase", "Parcel arrives two days late", "partner_owned", "app", -1),
        ("post_purchase", "Calls the service line: wrong size", "brand_owned", "phone", -3),
        ("post_purchase", "Free exchange in the store, done quickly", "brand_owned", "store", 2),
        ("post_purchase", "Posts a review", "customer_owned", "social", 2),
    ]
    out = pd.DataFrame(rows, columns=["stage", "touchpoint", "owner", "channel", "feeling"])
    out.insert(0, "step", np.arange(1, len(rows) + 1))
    return out


def _split_state(label: Any) -> tuple[str, str | None]:
    text = str(label)
    if ":" in text:
        stage, channel = text.split(":", 1)
        return stage, channel
    return text, None


def journey_states(stages: Sequence[str] = STAGES, channels: Sequence[str] = CHANNELS) -> list[str]:
    """The state labels ``"stage:channel"`` of a journey over stages x channels.

    Parameters
    ----------
    stages, channels : sequence of str
        Defaults: :data:`STAGES` and :data:`CHANNELS`. Labels may not contain ``":"``.

    Returns
    -------
    list of str
        Stage-major order: all channels of the first stage, then of the second, ...

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> jr.journey_states(["pre_purchase", "purchase"], ["store", "web"])
    ['pre_purchase:store', 'pre_purchase:web', 'purchase:store', 'purchase:web']
    """
    for argument, labels in (("stages", stages), ("channels", channels)):
        if isinstance(labels, str) or not isinstance(labels, Sequence) or not labels:
            raise TypeError(f"{argument} must be a non-empty list of strings, got {labels!r}.")
        bad = [x for x in labels if not isinstance(x, str) or ":" in x]
        if bad:
            raise ValueError(
                f"{argument}: labels must be strings without ':', got {v.format_values(bad)}."
            )
        if len(set(labels)) != len(labels):
            raise ValueError(f"{argument} lists a label more than once: {list(labels)!r}.")
    return [f"{s}:{c}" for s in stages for c in channels]


def check_transition_matrix(
    transition: Any, *, states: Sequence[Hashable] | None = None
) -> pd.DataFrame:
    """Validate a Markov transition matrix and return it as a labelled DataFrame.

    Parameters
    ----------
    transition : pandas.DataFrame or array-like
        Square matrix; entry ``[i, j]`` is the probability of moving from state ``i``
        to state ``j`` in one step. A DataFrame must have the same labels, in the same
        order, on its index and its columns.
    states : sequence, optional
        Labels for an array (default ``0, 1, ..., k-1``). Not allowed with a DataFrame.

    Returns
    -------
    pandas.DataFrame
        A float copy (the input is not modified), rows ``from`` and columns ``to``.

    Raises
    ------
    TypeError
        If ``transition`` is not a matrix of numbers.
    ValueError
        If it is not square, has missing, infinite or negative entries, or a row does
        not sum to 1 (within 1e-9); the message names the row and its sum.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> jr.check_transition_matrix([[0.5, 0.5], [0.0, 1.0]], states=["browse", "exit"])
    ... # doctest: +NORMALIZE_WHITESPACE
    to      browse  exit
    from
    browse     0.5   0.5
    exit       0.0   1.0
    >>> jr.check_transition_matrix([[0.5, 0.4], [0.0, 1.0]])
    Traceback (most recent call last):
    ...
    ValueError: transition: row 0 sums to 0.9, but every row of a transition matrix must sum to 1 (within 1e-09).
    """
    if isinstance(transition, pd.DataFrame):
        if states is not None:
            raise ValueError("states: give labels only with an array; a DataFrame has its own.")
        if list(transition.index) != list(transition.columns):
            raise ValueError(
                f"transition: the index {v.format_values(transition.index, 8)} and the "
                f"columns {v.format_values(transition.columns, 8)} must hold the same "
                f"state labels in the same order."
            )
        labels = list(transition.index)
        try:
            arr = transition.to_numpy(dtype=float)
        except (TypeError, ValueError) as err:
            raise TypeError(f"transition must hold numbers only: {err}") from None
    else:
        if isinstance(transition, str | bytes) or np.isscalar(transition):
            raise TypeError(
                f"transition must be a square matrix (DataFrame or 2-D array), "
                f"got {type(transition).__name__}."
            )
        try:
            arr = np.array(transition, dtype=float)
        except (TypeError, ValueError) as err:
            raise TypeError(f"transition must be a matrix of numbers: {err}") from None
        labels = None
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(f"transition must be a non-empty square matrix, got shape {arr.shape}.")
    k = arr.shape[0]
    if labels is None:
        labels = list(range(k)) if states is None else list(states)
        if len(labels) != k:
            raise ValueError(f"states has {len(labels)} labels but transition has {k} rows.")
    if len(set(labels)) != len(labels):
        raise ValueError(f"states: labels must be unique, got {v.format_values(labels, 8)}.")
    if not np.isfinite(arr).all():
        i, j = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"transition: entry [{labels[i]!r}, {labels[j]!r}] is {arr[i, j]!r}; "
            f"all entries must be finite probabilities."
        )
    if (arr < 0).any():
        i, j = np.argwhere(arr < 0)[0]
        raise ValueError(
            f"transition: entry [{labels[i]!r}, {labels[j]!r}] is {arr[i, j]:g}; "
            f"probabilities must be non-negative."
        )
    sums = arr.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1) > _ABS_TOL)
    if bad.size:
        i = bad[0]
        more = f" ({bad.size - 1} more row(s) too)" if bad.size > 1 else ""
        raise ValueError(
            f"transition: row {labels[i]!r} sums to {sums[i]:.10g}, but every row of a "
            f"transition matrix must sum to 1 (within {_ABS_TOL:g}){more}."
        )
    out = pd.DataFrame(
        arr, index=pd.Index(labels, name="from"), columns=pd.Index(labels, name="to")
    )
    return out


def _reachable(adj: np.ndarray) -> np.ndarray:
    """reach[i, j] is True when j can be reached from i in zero or more steps."""
    k = adj.shape[0]
    reach = np.eye(k, dtype=bool) | adj
    while True:
        new = reach | ((reach.astype(np.int64) @ reach.astype(np.int64)) > 0)
        if (new == reach).all():
            return reach
        reach = new


def _absorbing_parts(
    transition: Any,
) -> tuple[pd.DataFrame, np.ndarray, list, list, np.ndarray, np.ndarray]:
    """(P, absorbing mask, transient labels, absorbing labels, Q, R); checks absorption."""
    p = check_transition_matrix(transition)
    arr = p.to_numpy()
    absorbing = np.isclose(np.diag(arr), 1.0, rtol=0, atol=_ABS_TOL)
    labels = list(p.index)
    if not absorbing.any():
        raise ValueError(
            "transition has no absorbing state (a state i with P[i, i] = 1), so absorbing-"
            "chain quantities do not exist; for a chain without one use "
            "stationary_distribution()."
        )
    if absorbing.all():
        raise ValueError("transition: every state is absorbing; there is no transient state.")
    reach = _reachable(arr > 0)
    stuck = [labels[i] for i in np.flatnonzero(~absorbing) if not reach[i, absorbing].any()]
    if stuck:
        raise ValueError(
            f"transition: from state(s) {v.format_values(stuck)} no absorbing state can be "
            f"reached, so I - Q is singular and the chain is not absorbing."
        )
    t_idx, a_idx = np.flatnonzero(~absorbing), np.flatnonzero(absorbing)
    q = arr[np.ix_(t_idx, t_idx)]
    r = arr[np.ix_(t_idx, a_idx)]
    return p, absorbing, [labels[i] for i in t_idx], [labels[i] for i in a_idx], q, r


def fundamental_matrix(transition: Any) -> pd.DataFrame:
    """The fundamental matrix N = (I - Q)^-1 of an absorbing Markov chain.

    Parameters
    ----------
    transition : pandas.DataFrame or array-like
        A transition matrix (see :func:`check_transition_matrix`) with at least one
        absorbing state (``P[i, i] = 1``) that every other state can reach.

    Returns
    -------
    pandas.DataFrame
        Transient states x transient states: ``N[i, j]`` is the expected number of
        visits to ``j`` for a chain started in ``i`` (the start counts as a visit).

    Notes
    -----
    Order the states transient first: ``P = [[Q, R], [0, I]]``. Then
    ``N = I + Q + Q^2 + ... = (I - Q)^-1`` (Kemeny & Snell 1960, ch. III).

    References
    ----------
    Kemeny, J. G., & Snell, J. L. (1960). *Finite Markov Chains*. Van Nostrand.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> P = [[0.5, 0.25, 0.25], [0.5, 0.0, 0.5], [0.0, 0.0, 1.0]]
    >>> jr.fundamental_matrix(P).round(3)  # doctest: +NORMALIZE_WHITESPACE
    to        0      1
    from
    0     2.667  0.667
    1     1.333  1.333
    """
    p, _, t_lab, _, q, _ = _absorbing_parts(transition)
    n = np.linalg.solve(np.eye(len(t_lab)) - q, np.eye(len(t_lab)))
    return pd.DataFrame(n, index=pd.Index(t_lab, name="from"), columns=pd.Index(t_lab, name="to"))


def expected_steps(transition: Any) -> pd.DataFrame:
    """Expected number of steps until absorption, and its standard deviation, per start state.

    Parameters
    ----------
    transition : pandas.DataFrame or array-like
        An absorbing transition matrix (see :func:`fundamental_matrix`).

    Returns
    -------
    pandas.DataFrame
        One row per transient state: ``state``, ``expected_steps`` (mean number of
        steps before the chain is absorbed) and ``sd_steps``.

    Notes
    -----
    ``t = N 1`` and ``Var = (2N - I) t - t * t`` (elementwise square), with the
    fundamental matrix ``N`` (Kemeny & Snell 1960, ch. III).

    References
    ----------
    Kemeny, J. G., & Snell, J. L. (1960). *Finite Markov Chains*. Van Nostrand.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> P = [[0.5, 0.25, 0.25], [0.5, 0.0, 0.5], [0.0, 0.0, 1.0]]
    >>> print(jr.expected_steps(P).round(3).to_string(index=False))
     state  expected_steps  sd_steps
         0           3.333     2.625
         1           2.667     2.494
    """
    n = fundamental_matrix(transition)
    nn = n.to_numpy()
    t = nn.sum(axis=1)
    var = (2 * nn - np.eye(len(t))) @ t - t**2
    return pd.DataFrame(
        {"state": list(n.index), "expected_steps": t, "sd_steps": np.sqrt(np.maximum(var, 0))}
    )


def absorption_probabilities(transition: Any) -> pd.DataFrame:
    """Probability of ending in each absorbing state, per transient start state.

    Parameters
    ----------
    transition : pandas.DataFrame or array-like
        An absorbing transition matrix (see :func:`fundamental_matrix`).

    Returns
    -------
    pandas.DataFrame
        Transient states x absorbing states; each row sums to 1.

    Notes
    -----
    ``B = N R`` with the fundamental matrix ``N`` and the transient-to-absorbing block
    ``R`` of the transition matrix (Kemeny & Snell 1960, ch. III).

    References
    ----------
    Kemeny, J. G., & Snell, J. L. (1960). *Finite Markov Chains*. Van Nostrand.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> P = [[0.6, 0.3, 0.1, 0.0], [0.0, 0.0, 0.8, 0.2], [0, 0, 1, 0], [0, 0, 0, 1]]
    >>> jr.absorption_probabilities(P).round(3)  # doctest: +NORMALIZE_WHITESPACE
    to       2     3
    from
    0     0.85  0.15
    1     0.80  0.20
    """
    _, _, t_lab, a_lab, q, r = _absorbing_parts(transition)
    b = np.linalg.solve(np.eye(len(t_lab)) - q, r)
    return pd.DataFrame(b, index=pd.Index(t_lab, name="from"), columns=pd.Index(a_lab, name="to"))


def hitting_probabilities(transition: Any, targets: Hashable | Sequence[Hashable]) -> pd.DataFrame:
    """Probability of ever reaching a set of states, from each state.

    Parameters
    ----------
    transition : pandas.DataFrame or array-like
        A transition matrix (see :func:`check_transition_matrix`).
    targets : label or list of labels
        The target states, e.g. all ``purchase:*`` states.

    Returns
    -------
    pandas.DataFrame
        ``state`` and ``probability`` (1 for the targets themselves, counting step 0).

    Notes
    -----
    With ``A`` the targets and ``B`` the other states from which ``A`` can be reached,
    ``h_A = 1``, ``h = 0`` where ``A`` cannot be reached, and ``(I - P_BB) h_B = P_BA 1``
    (Norris 1997, section 1.3).

    References
    ----------
    Norris, J. R. (1997). *Markov Chains*. Cambridge University Press.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> P = [[0.6, 0.3, 0.1, 0.0], [0.0, 0.0, 0.8, 0.2], [0, 0, 1, 0], [0, 0, 0, 1]]
    >>> print(jr.hitting_probabilities(P, 1).round(3).to_string(index=False))
     state  probability
         0         0.75
         1         1.00
         2         0.00
         3         0.00
    """
    p = check_transition_matrix(transition)
    labels = list(p.index)
    tgt = v.as_column_list(targets, "targets")
    unknown = [t for t in tgt if t not in labels]
    if not tgt or unknown:
        raise ValueError(
            f"targets: state(s) {v.format_values(unknown)} not in the transition matrix; "
            f"states are {v.format_values(labels, 8)}."
        )
    arr = p.to_numpy()
    in_a = np.isin(np.arange(len(labels)), [labels.index(t) for t in tgt])
    reach = _reachable(arr > 0)
    can = reach[:, in_a].any(axis=1) & ~in_a
    h = in_a.astype(float)
    idx = np.flatnonzero(can)
    if idx.size:
        pbb = arr[np.ix_(idx, idx)]
        rhs = arr[np.ix_(idx, np.flatnonzero(in_a))].sum(axis=1)
        h[idx] = np.linalg.solve(np.eye(idx.size) - pbb, rhs)
    return pd.DataFrame({"state": labels, "probability": np.clip(h, 0.0, 1.0)})


def stationary_distribution(transition: Any) -> pd.DataFrame:
    """The stationary distribution pi = pi P of an irreducible Markov chain.

    Parameters
    ----------
    transition : pandas.DataFrame or array-like
        A transition matrix in which every state can be reached from every other
        (irreducible). If it is also aperiodic (ergodic), the share of time in each
        state converges to pi from any start.

    Returns
    -------
    pandas.DataFrame
        ``state``, ``probability`` (summing to 1) and ``mean_return_time`` = 1 / pi.

    Raises
    ------
    ValueError
        If the chain is not irreducible (e.g. it has absorbing states); the message
        names a pair of states that do not communicate.

    Notes
    -----
    Solve ``(P' - I) pi = 0`` with ``sum(pi) = 1`` (one balance equation is replaced by
    the normalisation). Kac's formula gives the mean return time ``1 / pi_i``
    (Norris 1997, section 1.7).

    References
    ----------
    Norris, J. R. (1997). *Markov Chains*. Cambridge University Press.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> P = [[0.9, 0.1], [0.5, 0.5]]
    >>> print(jr.stationary_distribution(P).round(4).to_string(index=False))
     state  probability  mean_return_time
         0       0.8333               1.2
         1       0.1667               6.0
    """
    p = check_transition_matrix(transition)
    arr = p.to_numpy()
    labels = list(p.index)
    reach = _reachable(arr > 0)
    if not reach.all():
        i, j = np.argwhere(~reach)[0]
        raise ValueError(
            f"transition: state {labels[j]!r} cannot be reached from state {labels[i]!r}, so "
            f"the chain is not irreducible and has no unique stationary distribution. For a "
            f"chain with absorbing states use absorption_probabilities() and expected_steps()."
        )
    k = len(labels)
    a = arr.T - np.eye(k)
    a[-1, :] = 1.0
    b = np.zeros(k)
    b[-1] = 1.0
    pi = np.linalg.solve(a, b)
    pi = np.clip(pi, 0.0, None)
    pi = pi / pi.sum()
    return pd.DataFrame({"state": labels, "probability": pi, "mean_return_time": 1 / pi})


# ---------------------------------------------------------------- a journey chain


def journey_transition_matrix(
    *,
    research: float = 0.5,
    buy: float = 0.3,
    loop_back: float = 0.6,
    stickiness: float = 0.6,
    channel_mix: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """A customer-journey Markov chain over stages x channels, plus an ``exit`` state.

    Parameters
    ----------
    research : float, default 0.5
        From a pre-purchase touchpoint: probability that the next touchpoint is again
        pre-purchase (more search and evaluation).
    buy : float, default 0.3
        From a pre-purchase touchpoint: probability of buying next. The rest,
        ``1 - research - buy``, leaves without buying (``exit``).
    loop_back : float, default 0.6
        From post-purchase: probability of looping back to a new pre-purchase stage
        (the next need, the next journey); otherwise ``exit``. ``loop_back=0`` gives
        the classic one-way funnel.
    stickiness : float, default 0.6
        Probability that the next touchpoint is in the same channel; otherwise the
        channel is drawn from ``channel_mix`` (which may again give the same channel).
    channel_mix : mapping of channel -> share, optional
        Shares of the channels when a customer picks one afresh; they must be
        non-negative and sum to 1. Default ``store 0.35, web 0.3, app 0.15, phone 0.05,
        social 0.15``. Its keys are the channels of the chain.

    Returns
    -------
    pandas.DataFrame
        The transition matrix over ``"stage:channel"`` states (see
        :func:`journey_states`) and the absorbing state ``"exit"``. Purchase is always
        followed by post-purchase.

    Notes
    -----
    With channel weights ``w`` and stickiness ``s`` the channel moves from ``a`` to
    ``b`` with probability ``C[a, b] = s 1(a = b) + (1 - s) w_b``. The stage moves
    pre -> pre with ``research``, pre -> purchase with ``buy``, purchase -> post with
    1 and post -> pre with ``loop_back``; the full matrix is the product of the two.
    A research episode therefore ends in a purchase with probability
    ``buy / (1 - research)``, and showrooming (research in store, buy online) has
    probability ``(1 - s) sum_{b online} w_b`` per purchase made after a store visit.

    References
    ----------
    Lemon, K. N., & Verhoef, P. C. (2016). Understanding customer experience throughout
    the customer journey. *Journal of Marketing*, 80(6), 69-96.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> P = jr.journey_transition_matrix(channel_mix={"store": 0.5, "web": 0.5})
    >>> P.shape
    (7, 7)
    >>> print(P.loc["pre_purchase:store"].round(2).to_string())
    to
    pre_purchase:store     0.40
    pre_purchase:web       0.10
    purchase:store         0.24
    purchase:web           0.06
    post_purchase:store    0.00
    post_purchase:web      0.00
    exit                   0.20
    """
    research = v.check_number(research, "research", low=0, high=1)
    buy = v.check_number(buy, "buy", low=0, high=1)
    if research + buy > 1 + _ABS_TOL:
        raise ValueError(
            f"research + buy must be at most 1 (the rest exits), got {research} + {buy} = "
            f"{research + buy:g}."
        )
    loop_back = v.check_number(loop_back, "loop_back", low=0, high=1)
    stickiness = v.check_number(stickiness, "stickiness", low=0, high=1)
    if channel_mix is None:
        channel_mix = {"store": 0.35, "web": 0.3, "app": 0.15, "phone": 0.05, "social": 0.15}
    if not isinstance(channel_mix, Mapping) or not channel_mix:
        raise TypeError(
            f"channel_mix must be a mapping channel -> share, e.g. {{'store': 0.5, 'web': 0.5}}, "
            f"got {channel_mix!r}."
        )
    chans = list(channel_mix)
    w = np.array(
        [v.check_number(channel_mix[c], f"channel_mix[{c!r}]", low=0, high=1) for c in chans]
    )
    if abs(w.sum() - 1) > _ABS_TOL:
        raise ValueError(f"channel_mix: the shares must sum to 1, got {w.sum():.10g}.")
    k = len(chans)
    c = stickiness * np.eye(k) + (1 - stickiness) * np.tile(w, (k, 1))
    stage = np.array(
        [
            [research, buy, 0.0],
            [0.0, 0.0, 1.0],
            [loop_back, 0.0, 0.0],
        ]
    )
    exit_prob = np.array([max(1.0 - research - buy, 0.0), 0.0, 1.0 - loop_back])
    labels = [*journey_states(STAGES, chans), "exit"]
    n = len(labels)
    arr = np.zeros((n, n))
    arr[:-1, :-1] = np.kron(stage, c)
    arr[:-1, -1] = np.repeat(exit_prob, k)
    arr[-1, -1] = 1.0
    arr[:-1] /= arr[:-1].sum(axis=1, keepdims=True)  # remove rounding error
    return check_transition_matrix(pd.DataFrame(arr, index=labels, columns=labels))


# -------------------------------------------------------------------- simulation


def simulate_journeys(
    transition: Any,
    *,
    n_customers: int = 1000,
    start: Hashable | Mapping[Hashable, float] | None = None,
    max_steps: int = 200,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
) -> pd.DataFrame:
    """Simulate customer journeys as paths of a Markov chain (vectorised over customers).

    Parameters
    ----------
    transition : pandas.DataFrame or array-like
        Transition matrix (see :func:`check_transition_matrix`), e.g. from
        :func:`journey_transition_matrix`.
    n_customers : int, default 1000
        Number of journeys.
    start : label or mapping label -> probability, optional
        Where the journeys start: one state, or a distribution over states. Default:
        the first state of the matrix.
    max_steps : int, default 200
        Paths stop once they reach an absorbing state, or after ``max_steps`` steps
        (an ergodic chain always runs ``max_steps`` steps). If a chain has absorbing
        states and some paths are cut off before reaching one, a ``RuntimeWarning``
        says how many: raise ``max_steps``. (To count them yourself: customers whose
        last state is not absorbing.)
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        One row per customer and step: ``customer_id``, ``step`` (0 = start),
        ``state``, ``stage`` and ``channel`` (parsed from ``"stage:channel"``; missing
        for states without a channel). The absorbing state, if reached, is the last row.

    Notes
    -----
    At each step every active customer draws ``u ~ U(0, 1)`` and moves to the first
    state ``j`` whose cumulative row probability ``sum_{l <= j} P[i, l]`` exceeds ``u``.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> P = jr.journey_transition_matrix()
    >>> paths = jr.simulate_journeys(P, n_customers=5, start="pre_purchase:web", seed=1)
    >>> list(paths.columns)
    ['customer_id', 'step', 'state', 'stage', 'channel']
    >>> paths["customer_id"].nunique()
    5
    """
    p = check_transition_matrix(transition)
    n_customers = v.check_positive_int(n_customers, "n_customers")
    max_steps = v.check_positive_int(max_steps, "max_steps")
    rng = v.make_rng(seed)
    labels = list(p.index)
    arr = p.to_numpy()
    k = len(labels)
    if start is None:
        init = np.zeros(k)
        init[0] = 1.0
    elif isinstance(start, Mapping):
        unknown = [s for s in start if s not in labels]
        if unknown:
            raise ValueError(
                f"start: state(s) {v.format_values(unknown)} not in the transition matrix; "
                f"states are {v.format_values(labels, 8)}."
            )
        init = np.zeros(k)
        for s, prob in start.items():
            init[labels.index(s)] = v.check_number(prob, f"start[{s!r}]", low=0, high=1)
        if abs(init.sum() - 1) > _ABS_TOL:
            raise ValueError(f"start: the probabilities must sum to 1, got {init.sum():.10g}.")
    else:
        if start not in labels:
            raise ValueError(
                f"start: state {start!r} not in the transition matrix; states are "
                f"{v.format_values(labels, 8)}."
            )
        init = np.zeros(k)
        init[labels.index(start)] = 1.0
    absorbing = np.isclose(np.diag(arr), 1.0, rtol=0, atol=_ABS_TOL)
    cum = np.cumsum(arr, axis=1)
    cum[:, -1] = np.inf  # guard against rounding in the last column
    init_cum = np.cumsum(init)
    init_cum[-1] = np.inf

    ids = np.arange(n_customers)
    current = np.searchsorted(init_cum, rng.random(n_customers), side="right")
    out_ids, out_steps, out_states = [ids], [np.zeros(n_customers, dtype=int)], [current]
    active = ~absorbing[current]
    for step in range(1, max_steps + 1):
        if not active.any():
            break
        ids = ids[active]
        cur = current[active]
        u = rng.random(ids.size)
        current = (u[:, None] >= cum[cur]).sum(axis=1)
        out_ids.append(ids)
        out_steps.append(np.full(ids.size, step))
        out_states.append(current)
        active = ~absorbing[current]
    n_truncated = int(active.sum()) if absorbing.any() else 0
    if n_truncated:
        warnings.warn(
            f"max_steps={max_steps}: {n_truncated} of {n_customers} paths were cut off before "
            f"reaching an absorbing state; raise max_steps to follow them to the end.",
            RuntimeWarning,
            stacklevel=2,
        )

    state_idx = np.concatenate(out_states)
    cust = np.concatenate(out_ids)
    steps = np.concatenate(out_steps)
    order = np.lexsort((steps, cust))
    split = [_split_state(lab) for lab in labels]
    state_arr = np.empty(k, dtype=object)
    state_arr[:] = labels
    stage_arr = np.array([s for s, _ in split], dtype=object)
    chan_arr = np.array([c for _, c in split], dtype=object)
    idx = state_idx[order]
    out = pd.DataFrame(
        {
            "customer_id": cust[order],
            "step": steps[order],
            "state": state_arr[idx],
            "stage": stage_arr[idx],
            "channel": chan_arr[idx],
        }
    )
    return out


def _prepare_paths(
    data: Any, *, customer: Hashable, step: Hashable, stage: Hashable, channel: Hashable
) -> pd.DataFrame:
    data = v.check_dataframe(data)
    cols = [customer, step, stage, channel]
    for arg, col in zip(("customer", "step", "stage", "channel"), cols, strict=True):
        v.check_columns(data, col, arg)
    v.check_numeric(data, [step], "step")
    v.check_no_missing(data, [customer, step, stage], "data")
    d = data[cols].copy()
    d.columns = ["customer", "step", "stage", "channel"]
    d = d.sort_values(["customer", "step"], kind="stable").reset_index(drop=True)
    if d.duplicated(["customer", "step"]).any():
        dup = d.loc[d.duplicated(["customer", "step"]), ["customer", "step"]].iloc[0]
        raise ValueError(
            f"data: customer {dup['customer']!r} has more than one row at step "
            f"{dup['step']!r}; each (customer, step) pair must be unique."
        )
    same = d["customer"].eq(d["customer"].shift())
    d["prev_stage"] = d["stage"].shift().where(same)
    d["prev_channel"] = d["channel"].shift().where(same)
    return d


def _switch_table(d: pd.DataFrame, research: str, purchase: str) -> pd.DataFrame:
    """Rows where a research touchpoint is directly followed by a purchase."""
    moves = d[(d["prev_stage"] == research) & (d["stage"] == purchase)]
    return moves[["prev_channel", "channel"]]


def channel_switches(
    data: pd.DataFrame,
    *,
    customer: Hashable = "customer_id",
    step: Hashable = "step",
    stage: Hashable = "stage",
    channel: Hashable = "channel",
    research: str = "pre_purchase",
    purchase: str = "purchase",
) -> pd.DataFrame:
    """Where customers researched and where they then bought: channel switches at purchase.

    Parameters
    ----------
    data : pandas.DataFrame
        Journeys in long form, one row per customer and touchpoint, as returned by
        :func:`simulate_journeys`.
    customer, step, stage, channel : str
        Column names; ``step`` orders the touchpoints of a customer.
    research, purchase : str
        The stage labels of research and purchase touchpoints.

    Returns
    -------
    pandas.DataFrame
        One row per (research channel, purchase channel) pair that occurs:
        ``research_channel``, ``purchase_channel``, ``n`` (purchases) and ``share``
        (of all purchases preceded directly by research), sorted by ``n``.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch.journey as jr
    >>> paths = pd.DataFrame(
    ...     {
    ...         "customer_id": [1, 1, 2, 2, 3, 3],
    ...         "step": [0, 1, 0, 1, 0, 1],
    ...         "stage": ["pre_purchase", "purchase"] * 3,
    ...         "channel": ["store", "web", "web", "store", "store", "store"],
    ...     }
    ... )
    >>> print(jr.channel_switches(paths).round(3).to_string(index=False))
    research_channel purchase_channel  n  share
               store            store  1  0.333
               store              web  1  0.333
                 web            store  1  0.333
    """
    d = _prepare_paths(data, customer=customer, step=step, stage=stage, channel=channel)
    moves = _switch_table(d, research, purchase)
    counts = (
        moves.groupby(["prev_channel", "channel"], dropna=False)
        .size()
        .rename("n")
        .reset_index()
        .rename(columns={"prev_channel": "research_channel", "channel": "purchase_channel"})
    )
    counts["share"] = counts["n"] / counts["n"].sum() if len(counts) else []
    counts = counts.sort_values(
        ["n", "research_channel", "purchase_channel"], ascending=[False, True, True]
    )
    return counts.reset_index(drop=True)


def journey_metrics(
    data: pd.DataFrame,
    *,
    customer: Hashable = "customer_id",
    step: Hashable = "step",
    stage: Hashable = "stage",
    channel: Hashable = "channel",
    stages: Sequence[str] = STAGES,
    online: Sequence[str] = ONLINE_CHANNELS,
    offline: Sequence[str] = OFFLINE_CHANNELS,
) -> pd.DataFrame:
    """Stage reach, conversion, loop-back, showrooming and webrooming of a set of journeys.

    Parameters
    ----------
    data : pandas.DataFrame
        Journeys in long form, one row per customer and touchpoint, as returned by
        :func:`simulate_journeys`.
    customer, step, stage, channel : str
        Column names; ``step`` orders the touchpoints of a customer.
    stages : sequence of three str
        Labels of the research, purchase and post-purchase stages (default
        :data:`STAGES`).
    online, offline : sequence of str
        Channels counted as online and as offline (in-store).

    Returns
    -------
    pandas.DataFrame
        One row per metric: ``metric``, ``estimate``, ``std_error`` (binomial, treating
        the ``n`` events as independent) and ``n`` (the denominator):

        - ``reach_<stage>``: share of customers with at least one touchpoint in the stage;
        - ``conversion``: share of research episodes (runs of consecutive pre-purchase
          touchpoints) followed directly by a purchase;
        - ``loop_back_rate``: share of departures from post-purchase that go back to
          pre-purchase (a new journey) rather than elsewhere (e.g. ``exit``);
        - ``showrooming``: share of purchases made online right after research in store;
        - ``webrooming``: share of purchases made in store right after research online.

    Notes
    -----
    Showrooming and webrooming are read from the channel switch between the last
    research touchpoint and the purchase touchpoint (Verhoef, Kannan & Inman 2015).

    References
    ----------
    Verhoef, P. C., Kannan, P. K., & Inman, J. J. (2015). From multi-channel retailing
    to omni-channel retailing. *Journal of Retailing*, 91(2), 174-181.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> P = jr.journey_transition_matrix()
    >>> paths = jr.simulate_journeys(P, n_customers=2000, start="pre_purchase:web", seed=3)
    >>> res = jr.journey_metrics(paths)
    >>> print(res.round(2).to_string(index=False))
                 metric  estimate  std_error    n
     reach_pre_purchase      1.00       0.00 2000
         reach_purchase      0.59       0.01 2000
    reach_post_purchase      0.59       0.01 2000
             conversion      0.60       0.01 3183
         loop_back_rate      0.62       0.01 1910
            showrooming      0.05       0.00 1910
             webrooming      0.09       0.01 1910
    """
    if isinstance(stages, str) or not isinstance(stages, Sequence) or len(stages) != 3:
        raise TypeError(
            f"stages must be three labels (research, purchase, post-purchase), got {stages!r}."
        )
    research, purchase, post = stages
    d = _prepare_paths(data, customer=customer, step=step, stage=stage, channel=channel)
    n_cust = int(d["customer"].nunique())
    if n_cust == 0:
        raise ValueError("data has no rows; at least one journey is needed.")
    rows = []

    def add(metric: str, hits: float, n: int) -> None:
        est = hits / n if n else np.nan
        se = np.sqrt(est * (1 - est) / n) if n else np.nan
        rows.append({"metric": metric, "estimate": est, "std_error": se, "n": n})

    for s in stages:
        add(f"reach_{s}", d.loc[d["stage"] == s, "customer"].nunique(), n_cust)
    # research episodes: a research row whose predecessor is not research
    is_res = d["stage"] == research
    episode_start = is_res & (d["prev_stage"] != research)
    after = d["stage"].shift(-1).where(d["customer"].eq(d["customer"].shift(-1)))
    episode_end = is_res & (after != research)
    add("conversion", int((episode_end & (after == purchase)).sum()), int(episode_start.sum()))
    leaves_post = (d["prev_stage"] == post) & (d["stage"] != post)
    add(
        "loop_back_rate",
        int((leaves_post & (d["stage"] == research)).sum()),
        int(leaves_post.sum()),
    )
    moves = _switch_table(d, research, purchase)
    show = moves["prev_channel"].isin(offline) & moves["channel"].isin(online)
    web = moves["prev_channel"].isin(online) & moves["channel"].isin(offline)
    add("showrooming", int(show.sum()), len(moves))
    add("webrooming", int(web.sum()), len(moves))
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype(int)
    return out


# ------------------------------------------------------------ funnel vs journey


def simulate_consideration(
    *,
    n_customers: int = 2000,
    n_brands: int = 20,
    initial_size: int = 4,
    n_research_steps: int = 4,
    drop_prob: float = 0.25,
    entry_prob: float = 0.0,
    loop_back: float = 0.0,
    n_cycles: int = 2,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
) -> pd.DataFrame:
    """Simulate the consideration set step by step through one or more purchase cycles.

    Each customer starts with ``initial_size`` brands (out of ``n_brands``). At each
    research step every brand outside the set enters it with probability
    ``entry_prob``, and every brand that was in the set drops out with probability
    ``drop_prob``. At the purchase step the customer buys one brand of the set at
    random (nobody buys from an empty set). After the purchase (post-purchase step)
    the customer loops back to a new cycle with probability ``loop_back``, starting
    with the brand bought plus ``initial_size - 1`` others.

    The classic funnel is ``entry_prob=0, loop_back=0``: the set only shrinks, and the
    journey ends at purchase. The digital journey of Court et al. (2009) has
    ``entry_prob > 0`` (brands enter late, e.g. through reviews and social media) and
    ``loop_back > 0`` (the loyalty loop). :func:`funnel_vs_journey` runs both.

    Parameters
    ----------
    n_customers, n_brands, initial_size, n_research_steps, n_cycles : int
        Sizes; ``1 <= initial_size <= n_brands``.
    drop_prob, entry_prob, loop_back : float
        Probabilities in [0, 1].
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        One row per cycle and step that someone reaches: ``cycle`` (1, 2, ...),
        ``step`` (0 = initial consideration, 1..``n_research_steps`` = research, then
        purchase, then post-purchase), ``stage``, ``reach`` (share of all customers at
        this step), ``mean_set_size`` (brands considered, among those at the step;
        at purchase: the set chosen from), ``mean_entered``, ``mean_dropped`` (per
        customer at the step) and ``share_late`` (share of the considered brands, or
        at purchase and after of the brands bought, that were not in the initial set).

    Notes
    -----
    With ``m_t`` the expected set size after ``t`` research steps,
    ``m_t = m_{t-1} (1 - d - e) + B e`` (``d = drop_prob``, ``e = entry_prob``,
    ``B = n_brands``): in the funnel ``m_t = m_0 (1 - d)^t`` shrinks geometrically; in
    the journey it moves towards ``B e / (d + e)`` and need not shrink at all.

    References
    ----------
    Court, D., Elzinga, D., Mulder, S., & Vetvik, O. J. (2009). The consumer decision
    journey. *McKinsey Quarterly*, 3, 96-107.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> res = jr.simulate_consideration(n_customers=500, n_cycles=1, seed=2)
    >>> print(res[["step", "stage", "reach", "mean_set_size"]].round(2).to_string(index=False))
     step         stage  reach  mean_set_size
        0  pre_purchase    1.0           4.00
        1  pre_purchase    1.0           3.03
        2  pre_purchase    1.0           2.28
        3  pre_purchase    1.0           1.69
        4  pre_purchase    1.0           1.33
        5      purchase    0.8           1.67
        6 post_purchase    0.8           1.00
    """
    n_customers = v.check_positive_int(n_customers, "n_customers")
    n_brands = v.check_positive_int(n_brands, "n_brands")
    initial_size = v.check_positive_int(initial_size, "initial_size")
    if initial_size > n_brands:
        raise ValueError(f"initial_size must be at most n_brands ({n_brands}), got {initial_size}.")
    n_research_steps = v.check_positive_int(n_research_steps, "n_research_steps", minimum=0)
    n_cycles = v.check_positive_int(n_cycles, "n_cycles")
    drop_prob = v.check_number(drop_prob, "drop_prob", low=0, high=1)
    entry_prob = v.check_number(entry_prob, "entry_prob", low=0, high=1)
    loop_back = v.check_number(loop_back, "loop_back", low=0, high=1)
    rng = v.make_rng(seed)
    rows: list[dict[str, Any]] = []
    active = np.arange(n_customers)
    bought: np.ndarray | None = None
    for cycle in range(1, n_cycles + 1):
        if active.size == 0:
            break
        reach = active.size / n_customers
        sets = _initial_sets(rng, active.size, n_brands, initial_size, bought)
        initial = sets.copy()
        start = {"cycle": cycle, "stage": "pre_purchase", "reach": reach}
        rows.append(
            {
                **start,
                "step": 0,
                "mean_set_size": sets.sum(axis=1).mean(),
                "mean_entered": 0.0,
                "mean_dropped": 0.0,
                "share_late": 0.0,
            }
        )
        for step in range(1, n_research_steps + 1):
            sets, moves = _research_step(rng, sets, initial, entry_prob, drop_prob)
            rows.append({**start, "step": step, **moves})
        buyers, choice, size, late_buy = _purchase(rng, sets, initial)
        active = active[buyers]
        if active.size == 0:
            break
        common = {
            "cycle": cycle,
            "reach": active.size / n_customers,
            "mean_entered": 0.0,
            "mean_dropped": 0.0,
            "share_late": late_buy.mean(),
        }
        rows.append(
            {
                **common,
                "step": n_research_steps + 1,
                "stage": "purchase",
                "mean_set_size": size.mean(),
            }
        )
        rows.append(
            {**common, "step": n_research_steps + 2, "stage": "post_purchase", "mean_set_size": 1.0}
        )
        loop = rng.random(active.size) < loop_back
        active, bought = active[loop], choice[loop]
    return pd.DataFrame.from_records(rows, columns=_CONSIDERATION_COLUMNS)


_CONSIDERATION_COLUMNS = [
    "cycle",
    "step",
    "stage",
    "reach",
    "mean_set_size",
    "mean_entered",
    "mean_dropped",
    "share_late",
]


def _initial_sets(
    rng: np.random.Generator, n: int, n_brands: int, initial_size: int, keep: np.ndarray | None
) -> np.ndarray:
    """Random ``initial_size`` brands per customer (argsort of uniforms = random subset).

    ``keep`` (one brand per customer, the one bought last cycle) is always in the set.
    """
    scores = rng.random((n, n_brands))
    if keep is not None:
        scores[np.arange(n), keep] = -1.0
    order = np.argsort(scores, axis=1)[:, :initial_size]
    sets = np.zeros((n, n_brands), dtype=bool)
    np.put_along_axis(sets, order, True, axis=1)
    return sets


def _research_step(
    rng: np.random.Generator,
    sets: np.ndarray,
    initial: np.ndarray,
    entry_prob: float,
    drop_prob: float,
) -> tuple[np.ndarray, dict[str, float]]:
    """One research step: brands enter and drop out; the new sets and the step's means."""
    enter = ~sets & (rng.random(sets.shape) < entry_prob)
    drop = sets & (rng.random(sets.shape) < drop_prob)
    sets = (sets & ~drop) | enter
    size = sets.sum(axis=1)
    late = (sets & ~initial).sum()
    return sets, {
        "mean_set_size": size.mean(),
        "mean_entered": enter.sum(axis=1).mean(),
        "mean_dropped": drop.sum(axis=1).mean(),
        "share_late": late / size.sum() if size.sum() else 0.0,
    }


def _purchase(
    rng: np.random.Generator, sets: np.ndarray, initial: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each customer with a non-empty set buys one of its brands at random.

    Returns who buys (a mask over all customers) and, for the buyers only, the brand
    bought, the size of the set chosen from and whether the brand entered late.
    """
    size = sets.sum(axis=1)
    buyers = size > 0
    scores = np.where(sets, rng.random(sets.shape), -1.0)
    choice = scores.argmax(axis=1)
    late_buy = ~initial[np.arange(len(sets)), choice] & buyers
    return buyers, choice[buyers], size[buyers], late_buy[buyers]


def funnel_vs_journey(
    *,
    n_customers: int = 2000,
    n_brands: int = 20,
    initial_size: int = 4,
    n_research_steps: int = 4,
    drop_prob: float = 0.25,
    entry_prob: float = 0.0625,
    loop_back: float = 0.6,
    n_cycles: int = 2,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
) -> pd.DataFrame:
    """The classic funnel and the digital journey side by side (same customers, same rates).

    Runs :func:`simulate_consideration` twice: once as a ``"funnel"`` (no late entry,
    no loop-back) and once as a ``"journey"`` with ``entry_prob`` and ``loop_back``.
    The defaults make the journey's set size stay near ``initial_size``
    (``n_brands * entry_prob / (drop_prob + entry_prob) = 4``).

    Parameters
    ----------
    n_customers, n_brands, initial_size, n_research_steps, drop_prob, entry_prob, loop_back, n_cycles
        As in :func:`simulate_consideration`.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Source of randomness (one generator feeds both simulations).

    Returns
    -------
    pandas.DataFrame
        The two results stacked, with a first column ``model``.

    References
    ----------
    Court, D., Elzinga, D., Mulder, S., & Vetvik, O. J. (2009). The consumer decision
    journey. *McKinsey Quarterly*, 3, 96-107.

    Examples
    --------
    >>> import cxresearch.journey as jr
    >>> res = jr.funnel_vs_journey(n_customers=500, n_cycles=1, seed=2)
    >>> wide = res.pivot(index="step", columns="model", values="mean_set_size")
    >>> wide.round(2)  # doctest: +NORMALIZE_WHITESPACE
    model  funnel  journey
    step
    0        4.00     4.00
    1        3.03     3.97
    2        2.28     3.95
    3        1.69     4.00
    4        1.33     4.05
    5        1.67     4.05
    6        1.00     1.00
    """
    rng = v.make_rng(seed)
    common = {
        "n_customers": n_customers,
        "n_brands": n_brands,
        "initial_size": initial_size,
        "n_research_steps": n_research_steps,
        "drop_prob": drop_prob,
        "n_cycles": n_cycles,
    }
    funnel = simulate_consideration(**common, entry_prob=0.0, loop_back=0.0, seed=rng)
    journey = simulate_consideration(**common, entry_prob=entry_prob, loop_back=loop_back, seed=rng)
    out = pd.concat(
        [funnel.assign(model="funnel"), journey.assign(model="journey")], ignore_index=True
    )
    return out[["model", *funnel.columns]]


# ------------------------------------------------------------------------ peak-end


def peak_end(
    data: pd.DataFrame,
    *,
    score: Hashable = "score",
    by: Hashable | Sequence[Hashable] | None = "customer_id",
    order: Hashable | None = None,
    peak: str = "extreme",
    neutral: float = 0.0,
    peak_weight: float = 0.5,
) -> pd.DataFrame:
    """Remembered experience by the peak-end rule, against the plain mean of the moments.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per moment (touchpoint) of an experience; several experiences are
        told apart by ``by``.
    score : str, default "score"
        The experience at each moment (e.g. feeling from -3 to +3, or pain 0-10).
    by : str or list of str or None, default "customer_id"
        Column(s) identifying one experience; ``None`` = all rows are one experience.
    order : str, optional
        Column that orders the moments within an experience; default the row order.
    peak : {"extreme", "max", "min"}, default "extreme"
        Which moment is the peak: the most intense one (farthest from ``neutral``; the
        first such moment on ties), the best (``"max"``) or the worst (``"min"``). For
        pain ratings, where higher is worse, ``"max"`` and ``"extreme"`` agree.
    neutral : float, default 0
        The neutral point of the score, used by ``peak="extreme"``.
    peak_weight : float, default 0.5
        Weight of the peak; the end gets ``1 - peak_weight``.

    Returns
    -------
    pandas.DataFrame
        One row per experience: the ``by`` columns, ``n_moments``, ``mean_score``,
        ``peak_score``, ``end_score``, ``peak_end`` (the remembered experience) and
        ``difference`` (``peak_end - mean_score``).

    Notes
    -----
    ``peak_end = w * peak + (1 - w) * end`` with ``w = peak_weight`` (0.5 in Kahneman et
    al. 1993). Duration does not enter: adding a milder moment at the end lowers the
    remembered pain although it adds pain (duration neglect; Fredrickson & Kahneman
    1993). For a journey: a strong final touchpoint and the avoidance of one very bad
    moment count for more in memory than raising every touchpoint a little.

    References
    ----------
    Kahneman, D., Fredrickson, B. L., Schreiber, C. A., & Redelmeier, D. A. (1993). When
    more pain is preferred to less: Adding a better end. *Psychological Science*, 4(6),
    401-405.

    Fredrickson, B. L., & Kahneman, D. (1993). Duration neglect in retrospective
    evaluations of affective episodes. *Journal of Personality and Social Psychology*,
    65(1), 45-55.

    Examples
    --------
    The cold-pressor trials of Kahneman et al. (1993), as pain ratings (higher is worse):
    the long trial adds 30 seconds of slightly milder pain to the short one.

    >>> import pandas as pd
    >>> import cxresearch.journey as jr
    >>> trials = pd.DataFrame(
    ...     {"trial": ["short"] * 3 + ["long"] * 4, "pain": [8, 8, 8, 8, 8, 8, 5]}
    ... )
    >>> res = jr.peak_end(trials, score="pain", by="trial", peak="max")
    >>> print(res.to_string(index=False))
    trial  n_moments  mean_score  peak_score  end_score  peak_end  difference
     long          4        7.25         8.0        5.0       6.5       -0.75
    short          3        8.00         8.0        8.0       8.0        0.00
    """
    data = v.check_dataframe(data)
    v.check_columns(data, score, "score")
    by_cols = v.check_columns(data, by, "by")
    order_cols = v.check_columns(data, order, "order")
    v.check_numeric(data, [score], "score")
    v.check_no_missing(data, [score, *by_cols, *order_cols], "data")
    v.check_one_of(peak, ("extreme", "max", "min"), "peak")
    neutral = v.check_number(neutral, "neutral")
    w = v.check_number(peak_weight, "peak_weight", low=0, high=1)
    if len(data) == 0:
        raise ValueError("data has no rows; at least one moment is needed.")
    key_names = [f"_key{i}" for i in range(len(by_cols))] or ["_key"]
    columns: dict[str, Any] = {"_x": data[score].to_numpy(dtype=float)}
    if by_cols:
        columns.update(
            {k: data[c].reset_index(drop=True) for k, c in zip(key_names, by_cols, strict=True)}
        )
    else:
        columns["_key"] = np.zeros(len(data), dtype=int)
    order_names = [f"_order{i}" for i in range(len(order_cols))]
    columns.update(
        {k: data[c].reset_index(drop=True) for k, c in zip(order_names, order_cols, strict=True)}
    )
    d = pd.DataFrame(columns)
    if order_names:  # stable: ties keep the row order
        d = d.sort_values(order_names, kind="stable").reset_index(drop=True)
    d["_dev"] = (d["_x"] - float(neutral)).abs()
    g = d.groupby(key_names, sort=True, observed=True)
    x = g["_x"]
    mean = x.mean()
    if peak == "max":
        pk = x.max()
    elif peak == "min":
        pk = x.min()
    else:  # idxmax gives the first of equally intense moments
        pk = pd.Series(d.loc[g["_dev"].idxmax(), "_x"].to_numpy(), index=mean.index)
    end = x.last()
    pe = w * pk + (1 - w) * end
    out = pd.DataFrame(
        {
            "n_moments": x.size(),
            "mean_score": mean,
            "peak_score": pk,
            "end_score": end,
            "peak_end": pe,
            "difference": pe - mean,
        }
    ).reset_index()
    if by_cols:
        return out.rename(columns=dict(zip(key_names, by_cols, strict=True)))
    return out.drop(columns="_key")
