"""The retail customer-experience model of Verhoef et al. (2009), simulated with a known truth.

Verhoef, Lemon, Parasuraman, Roggeveen, Tsiros and Schlesinger (2009) describe customer
experience (CX) at time *t* as created by seven determinants -- the social environment,
the service interface, the retail atmosphere, the assortment, the price, the experience
in alternative channels and the retail brand -- plus the customer's experience at
*t - 1*, with situation moderators (store type, location, culture, season, economic
climate, competition) and consumer moderators (goals, task orientation,
socio-demographics, attitudes) changing how strongly each determinant matters. The paper
is conceptual: it gives no numbers. This module turns it into a data-generating process
whose every effect is a documented parameter (:class:`RetailParams`), simulates a panel
of customer visits (:func:`simulate_panel`) and a multi-item survey
(:func:`simulate_survey`), and returns the true effects as a tidy table
(:func:`truth`) that lines up with a fitted table by ``term``.

The model
---------
For customer *i* (home store *j*, region *r*) in period *t* (a quarter)::

    x_kit = q_jk + c_ik + v_kit                         perceived determinant k
    cx_it = a + rho * cx_i,t-1 + u_i + sum_k b_k(i,t) * x_kit + m(i,t) + e_it
    b_k(i,t) = w_k + moderator terms                    (see RetailParams)
    expectation_it = prior_expectation_i + culture_r + lambda * cx_i,t-1 + n_it
    disconfirmation_it = cx_it - expectation_it         (Oliver 1980)

``q`` is the store's quality (a store-type profile plus noise), ``c`` the customer's
lasting perception bias, ``v`` visit noise, ``u_i`` a lasting customer effect (latent,
returned as ``customer_effect``), ``m`` the main effects of location, season, economy
and a personalised visit, and ``e`` the CX shock. Satisfaction (1-7), likelihood to
recommend (0-10) and repurchase intention (1-7) are ordered-probit functions of CX and
disconfirmation; complaints, recovery and return next period are logits; minutes in
the store and spend are log-normal. A well-recovered complaint raises repurchase
intention and the chance to return above those of a comparable customer who never
complained: the service recovery paradox (McCollough & Bharadwaj 1992).

What moderates what
-------------------
Verhoef et al. (2009) name six situation moderators of the determinant -> experience
links; each one here changes the weight of at least one determinant (the term of
:data:`CX_FORMULA` that estimates it in parentheses):

* **store type** -> atmosphere -> CX: ``atmosphere_x_supermarket``,
  ``atmosphere_x_department``, ``atmosphere_x_specialty``
  (``atmosphere:store_type[T.*]``). Baker et al. (2002): atmosphere counts more where
  shopping is partly leisure.
* **location** -> crowding -> CX: ``crowding_x_city_centre``, ``crowding_x_mall``
  (``crowding:location[T.*]``). Teaching choice: a crowd costs time on a short
  city-centre trip and is part of the outing in a mall.
* **culture (region)** -> service -> CX: ``service_x_south``, ``service_x_east``,
  ``service_x_west`` (``service:region[T.*]``). Furrer, Liu & Sudharshan (2000): the
  weight of service quality differs between cultures.
* **season** -> crowding -> CX: ``crowding_x_winter`` (``crowding:season[T.winter]``).
  Machleit, Eroglu & Mantel (2000): expected crowding softens its effect, and crowds
  are expected in the festive season.
* **economic climate** -> price -> CX: ``price_x_poor_economy``
  (``price:economy[T.poor]``). Hampson & McGoldrick (2013): shoppers weight price in a
  recession.
* **competition** -> price -> CX: ``price_x_competition`` (``price:competition``).
  Teaching choice: with rivals nearby prices are easy to compare.

The level shifts stay where they were: location and season (winter) shift CX
(``location_*``, ``season_winter``), the economy shifts CX (``economy_poor``), culture
shifts expectations (``culture_expectation``), winter raises perceived crowding
(``crowding_winter``), competition lowers the chance to return and weakens the
satisfaction -> return step (``return_competition``,
``return_satisfaction_x_competition``; Jones & Sasser 1995). The consumer moderators
are the shopping goal (crowding), age and technology readiness (service), price
consciousness (price), multichannel use and gender (channel) and task orientation
(assortment).

Four mechanisms from the sources:

* **A price that is too low** (price-quality inference): ``price_x_prior_expectation``
  (term ``price:prior_expectation``, -0.4 per unit of prior expectation). Customers who
  expect an expensive, high-quality product read a bargain as a quality warning (Rao &
  Monroe 1989; Dodds, Monroe & Grewal 1991); for a customer 2 SD above the mean
  expectation a better (lower) perceived price lowers CX.
* **Atmosphere -> time in store -> spend**: ``dwell_time`` (minutes) is log-normal,
  ``log dwell = dwell_log_intercept + dwell_atmosphere * atmosphere + dwell_hedonic *
  hedonic + noise``, and ``log spend`` rises by ``spend_dwell * log(dwell_time / 20)``.
  Slow music and a pleasant atmosphere lengthen the visit and the basket (Milliman
  1982, 1986; Donovan & Rossiter 1982; Donovan et al. 1994). The indirect effect of
  atmosphere on log spend through time in store is ``dwell_atmosphere * spend_dwell``
  (0.036 by default); a second path runs through CX (``spend_cx``).
* **Complaint prevention vs recovery**: the complaint lever ``complaint_intercept``
  (how often a visit ends in a voiced problem) against the recovery lever
  ``recovery_intercept``; :func:`complaint_levers` simulates both on the same customers
  and gives the exact expected change in the return rate next to the observed one
  (Fornell & Wernerfelt 1987; Smith, Bolton & Wagner 1999).
* **Personalisation** of the service interface: a share ``p_personalised`` of visits,
  assigned at random as in an A/B test, gets a personalised service (column
  ``personalised``), which raises CX by ``personalisation_uplift`` (term
  ``personalised[T.True]``; Surprenant & Solomon 1987). Because it is randomised, the
  difference in mean CX between personalised and other visits estimates the uplift too.

The panel is balanced: every customer is observed once in every period (think of a
panel of loyalty-card members whose visit is surveyed each quarter). ``returned_next``
is the behavioural outcome "comes back to buy at the same store next period"; a customer
who does not return stays in the panel, so dynamics can be studied without attrition.

Which regression recovers which effect
--------------------------------------
:func:`truth` gives, for every outcome, the specification (estimator + formula) under
which the estimates are consistent for the true values; ``truth(outcome="cx")`` merges
with a tidy table of ``statsmodels.formula.api.ols(CX_FORMULA, data).fit()`` on ``term``.

* ``cx`` -- OLS of :data:`CX_FORMULA`, which includes the latent ``customer_effect``
  column and ``cx_lag``, recovers every determinant weight, every moderator
  (interaction) and the carryover ``rho``. Categorical moderators enter with
  treatment coding (reference levels: ``utilitarian``, ``discounter``, ``good``,
  ``suburban``, ``spring``, ``north``, ``female``, ``False``). ``service:age`` is per year of age,
  so the ``service`` main effect is the effect for a (fictional) customer of age 0:
  ``service_weight - 4.5 * service_x_age`` (the parameter is per decade around age 45).
* What a naive regression gets wrong (teaching material for notebooks 05-06):

  - *Pooled OLS without the customer effect* (what a researcher can actually run):
    ``u_i`` is in the error and is correlated with ``cx_lag``, so the carryover is
    biased **upwards** (persistent differences between customers look like carryover).
  - *Customer fixed effects (within estimator) in a short panel*: demeaning by the
    customer mean correlates ``cx_lag`` with the error; the carryover is biased
    **downwards**, by an amount of order 1/T (Nickell 1981). For a pure AR(1) the
    approximation is ``-(1 + rho) / (T - 1)``, about -0.28 with T = 6 and rho = 0.4;
    with the determinants in the model the bias is smaller (a default 5,000 x 6 panel
    gives about 0.21 instead of 0.4). A random intercept (MixedLM) is no cure either: it
    assumes ``u_i`` is uncorrelated with ``cx_lag``, which is false. Consistent
    alternatives are instrumental-variable estimators in first differences (Anderson &
    Hsiao 1981; Arellano & Bond 1991).
  - *Leaving out ``cx_lag``*: the determinants' lasting store and customer components
    are correlated with past CX, so their weights absorb part of the carryover.
  - *Leaving out an interaction*: a pooled crowding effect averages a negative slope for
    utilitarian shoppers and a positive one for hedonic shoppers and can be near zero.
* ``expectation`` -- OLS of ``expectation ~ prior_expectation + region + cx_lag``.
* ``satisfaction``, ``likelihood_to_recommend``, ``repurchase_intention`` -- ordered
  probit (``statsmodels.miscmodels.ordinal_model.OrderedModel``, ``distr="probit"``).
  The thresholds are reported as OrderedModel prints and parametrises them: the first
  cut-point, then the logarithm of each increment, with names like ``"1.0/2.0"``.
  An OLS of the 1-7 score recovers the signs, not the values.
* ``returned_next``, ``complained`` -- logit (``returned_next.astype(int) ~ ...``: the
  columns are booleans); ``recovered_well`` -- logit on the complainers only.
* ``dwell_time`` -- OLS of ``np.log(dwell_time) ~ atmosphere + goal``.
* ``spend`` -- OLS of ``np.log(spend) ~ cx + np.log(dwell_time) + goal + store_type``;
  a regression of spend itself gets multiplicative effects as additive ones. Its
  intercept is the log spend of a 1-minute visit, ``spend_log_intercept - spend_dwell *
  log(20)``.

Randomness comes only from ``seed``; each component (customers, stores, economy, each
determinant's visit noise, each outcome's noise...) has its own stream derived from the
seed and the component's name, so adding a component or changing a parameter of one
outcome leaves the other columns unchanged. Same seed, same bytes.

References
----------
Verhoef, P. C., Lemon, K. N., Parasuraman, A., Roggeveen, A., Tsiros, M., & Schlesinger,
L. A. (2009). Customer experience creation: Determinants, dynamics and management
strategies. *Journal of Retailing*, 85(1), 31-41.

Oliver, R. L. (1980). A cognitive model of the antecedents and consequences of
satisfaction decisions. *Journal of Marketing Research*, 17(4), 460-469.

McCollough, M. A., & Bharadwaj, S. G. (1992). The recovery paradox: An examination of
consumer satisfaction in relation to disconfirmation, service quality, and attribution
based theories. In *Marketing Theory and Applications*, AMA.

Nickell, S. (1981). Biases in dynamic models with fixed effects. *Econometrica*, 49(6),
1417-1426.

Anderson, T. W., & Hsiao, C. (1981). Estimation of dynamic models with error components.
*Journal of the American Statistical Association*, 76(375), 598-606.

Arellano, M., & Bond, S. (1991). Some tests of specification for panel data. *Review of
Economic Studies*, 58(2), 277-297.

Eroglu, S. A., Machleit, K. A., & Barr, T. F. (2005). Perceived retail crowding and
shopping satisfaction: The role of shopping values. *Journal of Business Research*,
58(8), 1146-1153.

de Matos, C. A., Henrique, J. L., & Rossi, C. A. V. (2007). Service recovery paradox: A
meta-analysis. *Journal of Service Research*, 10(1), 60-77.

Baker, J., Parasuraman, A., Grewal, D., & Voss, G. B. (2002). The influence of multiple
store environment cues on perceived merchandise value and patronage intentions.
*Journal of Marketing*, 66(2), 120-141.

Machleit, K. A., Eroglu, S. A., & Mantel, S. P. (2000). Perceived retail crowding and
shopping satisfaction: What modifies this relationship? *Journal of Consumer
Psychology*, 9(1), 29-42.

Furrer, O., Liu, B. S.-C., & Sudharshan, D. (2000). The relationships between culture
and service quality perceptions: Basis for cross-cultural market segmentation and
resource allocation. *Journal of Service Research*, 2(4), 355-371.

Rao, A. R., & Monroe, K. B. (1989). The effect of price, brand name, and store name on
buyers' perceptions of product quality: An integrative review. *Journal of Marketing
Research*, 26(3), 351-357.

Dodds, W. B., Monroe, K. B., & Grewal, D. (1991). Effects of price, brand, and store
information on buyers' product evaluations. *Journal of Marketing Research*, 28(3),
307-319.

Milliman, R. E. (1982). Using background music to affect the behavior of supermarket
shoppers. *Journal of Marketing*, 46(3), 86-91.

Milliman, R. E. (1986). The influence of background music on the behavior of restaurant
patrons. *Journal of Consumer Research*, 13(2), 286-289.

Donovan, R. J., & Rossiter, J. R. (1982). Store atmosphere: An environmental psychology
approach. *Journal of Retailing*, 58(1), 34-57.

Donovan, R. J., Rossiter, J. R., Marcoolyn, G., & Nesdale, A. (1994). Store atmosphere
and purchasing behavior. *Journal of Retailing*, 70(3), 283-294.

Fornell, C., & Wernerfelt, B. (1987). Defensive marketing strategy by customer complaint
management: A theoretical analysis. *Journal of Marketing Research*, 24(4), 337-346.

Smith, A. K., Bolton, R. N., & Wagner, J. (1999). A model of customer satisfaction with
service encounters involving failure and recovery. *Journal of Marketing Research*,
36(3), 356-372.

Surprenant, C. F., & Solomon, M. R. (1987). Predictability and personalization in the
service encounter. *Journal of Marketing*, 51(2), 86-96.

The sources of the individual parameter defaults are named in each field's
documentation (``RetailParams.describe()``).

Examples
--------
>>> from cxresearch.simulate import simulate_panel, truth
>>> panel = simulate_panel(50, 4, seed=1)
>>> panel.shape
(200, 39)
>>> truth(outcome="cx").set_index("term").loc["crowding:goal[T.hedonic]", "estimate"]
np.float64(0.45)
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import _validate as v
from ._result import Result

__all__ = [
    "CX_FORMULA",
    "DETERMINANTS",
    "RetailParams",
    "SimulatedRecovery",
    "SimulatedSurvey",
    "complaint_levers",
    "simulate_panel",
    "simulate_recovery",
    "simulate_survey",
    "truth",
]

#: Most rows (customers x periods) :func:`simulate_panel` makes: a runaway size is refused.
MAX_PANEL_ROWS = 30_000_000

#: The seven determinants of Verhoef et al. (2009) plus crowding (part of the social
#: environment), in the order of the columns of :func:`simulate_panel`.
DETERMINANTS = (
    "social",
    "crowding",
    "service",
    "atmosphere",
    "assortment",
    "price",
    "channel",
    "brand",
)

GENDERS = ("female", "male")
GOALS = ("utilitarian", "hedonic")
STORE_TYPES = ("discounter", "supermarket", "department", "specialty")
LOCATIONS = ("suburban", "city_centre", "mall")
REGIONS = ("north", "south", "east", "west")
SEASONS = ("spring", "summer", "autumn", "winter")
ECONOMIES = ("good", "poor")

#: Age around which the service-interface moderation is parametrised (years).
AGE_REFERENCE = 45

#: Store-type quality profile: the mean perception of each determinant (columns in the
#: order of DETERMINANTS) by store type, before ``store_type_profile`` scaling. A
#: teaching choice: discounters win on price and lose on service and atmosphere;
#: department and specialty stores the reverse (Baker et al. 2002 for the cue types).
STORE_TYPE_PROFILE = np.array(
    [
        # social crowd  serv   atmos  assort price  chan   brand
        [-0.2, 0.3, -0.4, -0.5, -0.3, 0.6, -0.2, -0.2],  # discounter
        [0.0, 0.2, 0.0, 0.0, 0.2, 0.1, 0.1, 0.0],  # supermarket
        [0.2, 0.0, 0.3, 0.4, 0.3, -0.4, 0.2, 0.3],  # department
        [0.3, -0.3, 0.5, 0.5, -0.1, -0.5, 0.0, 0.3],  # specialty
    ],
    dtype=np.float32,
)

#: Minutes of a reference visit: ``spend_log_intercept`` is the mean log spend of a visit of
#: this length, so the intercept of ``np.log(spend) ~ np.log(dwell_time) + ...`` is
#: ``spend_log_intercept - spend_dwell * log(DWELL_REFERENCE)``.
DWELL_REFERENCE = 20.0

#: Shift of the expected level by region (culture), in units of ``culture_expectation``.
REGION_EXPECTATION = np.array([0.0, 1.0, -1.0, 0.0], dtype=np.float32)

#: The specification under which OLS recovers every CX effect (see the module notes).
CX_FORMULA = (
    "cx ~ cx_lag + customer_effect + social + crowding * goal + crowding:location"
    " + crowding:season + service * (age + tech_readiness + region)"
    " + atmosphere * store_type"
    " + price * (economy + price_consciousness + competition + prior_expectation)"
    " + channel * (multichannel + gender) + assortment * task_orientation + brand"
    " + personalised + location + season"
)


# ---------------------------------------------------------------------------- parameters


def _par(
    default: Any,
    low: float,
    high: float,
    doc: str,
    *,
    open_low: bool = False,
    open_high: bool = False,
    kind: str = "float",
    length: int | None = None,
) -> Any:
    """A dataclass field with its allowed range and documentation as metadata."""
    return field(
        default=default,
        metadata={
            "doc": doc,
            "low": low,
            "high": high,
            "open_low": open_low,
            "open_high": open_high,
            "kind": kind,
            "length": length,
        },
    )


@dataclass(frozen=True)
class RetailParams:
    """Every effect of the retail CX model, with its default and the reason for it.

    The defaults are on a standardised scale: determinants and the continuous customer
    attitudes have standard deviation about 1, and CX about 1.3. Verhoef et al. (2009)
    is a conceptual framework without estimates, so the *signs* and *relative sizes*
    follow the empirical studies cited per field, and the magnitudes are teaching
    choices made so that every effect is visible in a few thousand customers. Each
    field's ``metadata["doc"]`` says which; ``RetailParams.describe()`` lists them all.

    Build a variant with :func:`dataclasses.replace` (``replace(p, carryover=0.6)``),
    publish it with :meth:`to_dict` / :meth:`to_json`, read it back with
    :meth:`from_dict` / :meth:`from_json`. Invalid values raise ``ValueError`` (or
    ``TypeError`` for a wrong type) naming the parameter and the allowed range.

    Examples
    --------
    >>> import dataclasses
    >>> p = RetailParams()
    >>> p.carryover
    0.4
    >>> dataclasses.replace(p, carryover=0.6).carryover
    0.6
    >>> RetailParams.from_json(p.to_json()) == p
    True
    >>> RetailParams(carryover=1.5)
    Traceback (most recent call last):
    ...
    ValueError: carryover must satisfy 0 <= carryover < 1, got 1.5.
    """

    # --- the CX equation: carryover, customer effect, noise
    cx_intercept: float = _par(
        0.0, -10, 10, "Intercept of the CX equation (sets the mean level; teaching choice: 0)."
    )
    carryover: float = _par(
        0.4,
        0,
        1,
        "rho: weight of CX(t-1) in CX(t). Verhoef et al. (2009) put prior experience among the determinants; Bolton & Drew (1991) and Bolton (1998) find prior evaluations carry substantial weight. 0.4 keeps the process stationary and the Nickell bias visible.",
        open_high=True,
    )
    customer_effect_sd: float = _par(
        0.4,
        0,
        5,
        "SD of the lasting customer effect u_i (unobserved heterogeneity in how customers experience the same store). Teaching reason: makes naive dynamic panel estimates biased.",
    )
    cx_noise_sd: float = _par(0.6, 0, 5, "SD of the visit-level CX shock e_it.", open_low=True)
    # --- determinant weights (the reference customer: utilitarian, discounter, good economy, ...)
    social_weight: float = _par(
        0.15,
        -2,
        2,
        "Social environment (staff presence, other shoppers). Baker et al. (2002): social cues raise perceived service quality.",
    )
    crowding_weight: float = _par(
        -0.25,
        -2,
        2,
        "Crowding for a utilitarian shopper: negative (Machleit, Eroglu & Mantel 2000; Eroglu, Machleit & Barr 2005).",
    )
    service_weight: float = _par(
        0.30,
        -2,
        2,
        "Service interface (staff, self-service technology) for a customer of age 45 with average technology readiness; the strongest driver here, as in most retail service-quality studies (Parasuraman, Zeithaml & Berry 1988).",
    )
    atmosphere_weight: float = _par(
        0.10,
        -2,
        2,
        "Retail atmosphere (design, light, music, scent) in a discounter; small there (Kotler 1973; Baker et al. 2002).",
    )
    assortment_weight: float = _par(
        0.25,
        -2,
        2,
        "Assortment for a customer of average task orientation (Broniarczyk, Hoyer & McAlister 1998).",
    )
    price_weight: float = _par(
        0.20,
        -2,
        2,
        "Perceived price (higher = better value) in a good economy for a customer of average price consciousness.",
    )
    channel_weight: float = _par(
        0.05,
        -2,
        2,
        "Experience in alternative channels (online shop, app) for a female single-channel customer (Verhoef, Neslin & Vroomen 2007).",
    )
    brand_weight: float = _par(
        0.20, -2, 2, "Retail brand (Verhoef et al. 2009; Ailawadi & Keller 2004)."
    )
    # --- moderators of the determinant weights
    crowding_x_hedonic: float = _par(
        0.45,
        -2,
        2,
        "Added crowding slope for hedonic shoppers: the sign flips from -0.25 to +0.20 (a busy store is fun when shopping for entertainment; Eroglu, Machleit & Barr 2005).",
    )
    atmosphere_x_supermarket: float = _par(
        0.05, -2, 2, "Added atmosphere slope in a supermarket (vs a discounter). Teaching choice."
    )
    atmosphere_x_department: float = _par(
        0.20,
        -2,
        2,
        "Added atmosphere slope in a department store: atmosphere matters more where shopping is partly leisure (Baker et al. 2002).",
    )
    atmosphere_x_specialty: float = _par(
        0.25, -2, 2, "Added atmosphere slope in a specialty store (Baker et al. 2002)."
    )
    price_x_poor_economy: float = _par(
        0.15,
        -2,
        2,
        "Added price slope when the regional economy is poor: shoppers adapt to recession by weighting price (Hampson & McGoldrick 2013).",
    )
    price_x_price_consciousness: float = _par(
        0.10,
        -2,
        2,
        "Added price slope per SD of price consciousness (Lichtenstein, Ridgway & Netemeyer 1993).",
    )
    service_x_age: float = _par(
        0.05,
        -2,
        2,
        "Added service slope per decade of age above 45: older customers value personal service more (Homburg & Giering 2001).",
    )
    service_x_tech_readiness: float = _par(
        -0.10,
        -2,
        2,
        "Added service slope per SD of technology readiness: tech-ready customers rely less on staff (Parasuraman 2000; Meuter et al. 2000).",
    )
    channel_x_multichannel: float = _par(
        0.20,
        -2,
        2,
        "Added channel slope for customers who use several channels (Verhoef, Neslin & Vroomen 2007).",
    )
    channel_x_male: float = _par(
        -0.08,
        -2,
        2,
        "Added channel slope for men: a teaching choice, not a finding of Kim & Yu (2016), who report which parts of the app experience matter to each sex.",
    )
    assortment_x_task_orientation: float = _par(
        0.08,
        -2,
        2,
        "Added assortment slope per SD of task orientation: task-focused shoppers need to find the product (Babin, Darden & Griffin 1994).",
    )
    # --- situation moderators of determinant -> CX paths (Verhoef et al. 2009, Figure 1)
    crowding_x_city_centre: float = _par(
        -0.10,
        -2,
        2,
        "Added crowding slope in a city-centre store (vs suburban): city-centre stores are small and visited on short trips between errands, so a crowd costs time. Teaching choice for the location moderator.",
    )
    crowding_x_mall: float = _par(
        0.05,
        -2,
        2,
        "Added crowding slope in a mall store (vs suburban): a mall is partly a leisure destination, where some bustle is part of the outing. Teaching choice.",
    )
    crowding_x_winter: float = _par(
        0.15,
        -2,
        2,
        "Added crowding slope in winter (the festive season, vs spring): shoppers who expect crowds mind them less (Machleit, Eroglu & Mantel 2000 find expected crowding moderates the crowding-satisfaction link). Season moderator.",
    )
    service_x_south: float = _par(
        0.10,
        -2,
        2,
        "Added service slope in the south (vs north): culture changes how much personal service weighs in the experience (Furrer, Liu & Sudharshan 2000). Which fictional region is which is a teaching choice; it matches the south's higher expectations (culture_expectation).",
    )
    service_x_east: float = _par(
        -0.05,
        -2,
        2,
        "Added service slope in the east (vs north), culture moderator (Furrer, Liu & Sudharshan 2000). Teaching choice.",
    )
    service_x_west: float = _par(
        0.0,
        -2,
        2,
        "Added service slope in the west (vs north). Default 0: the west weighs service as the north does.",
    )
    price_x_competition: float = _par(
        0.08,
        -2,
        2,
        "Added price slope per SD of competition intensity: with rivals nearby prices are easy to compare, so value for money weighs more. Teaching choice for the competition moderator (Verhoef et al. 2009 list competition among the situation moderators).",
    )
    price_x_prior_expectation: float = _par(
        -0.40,
        -2,
        2,
        "Added price slope per unit of prior expectation (SD 0.5): a customer who expects an expensive, high-quality product reads a bargain price as a quality warning (price-quality inference; Rao & Monroe 1989; Dodds, Monroe & Grewal 1991). At +1 (2 SD) the price slope is 0.20 - 0.40 < 0: a price that is too low spoils the experience.",
    )
    # --- personalisation: a lever on the service interface
    p_personalised: float = _par(
        0.3,
        0,
        1,
        "Share of visits whose service interface is personalised (greeted by name, advice and offers from the purchase history), assigned at random visit by visit as in an A/B test, so the uplift is measured without confounding.",
    )
    personalisation_uplift: float = _par(
        0.25,
        -2,
        2,
        "CX uplift of a personalised visit (Surprenant & Solomon 1987 on personalisation in the service encounter); the size is a teaching choice (about 0.2 SD of CX).",
    )
    # --- situation main effects on CX
    location_city_centre: float = _par(
        0.10,
        -2,
        2,
        "CX shift in a city-centre store (vs suburban): location colours the experience (Verhoef et al. 2009). Teaching choice.",
    )
    location_mall: float = _par(
        0.05, -2, 2, "CX shift in a mall store (vs suburban). Teaching choice."
    )
    season_winter: float = _par(
        0.10,
        -2,
        2,
        "CX shift in winter (the festive season, vs spring). Teaching choice for the seasonal effect.",
    )
    economy_poor: float = _par(
        -0.10,
        -2,
        2,
        "CX shift when the regional economy is poor (Verhoef et al. 2009 list the economic climate). Teaching choice.",
    )
    # --- determinant generation
    determinant_store_sd: float = _par(
        0.4, 0, 5, "SD of a store's quality on each determinant (around its store-type profile)."
    )
    determinant_customer_sd: float = _par(
        0.5, 0, 5, "SD of a customer's lasting perception bias on each determinant."
    )
    determinant_visit_sd: float = _par(
        0.75, 0, 5, "SD of visit-to-visit variation in each perceived determinant.", open_low=True
    )
    store_type_profile: float = _par(
        1.0,
        0,
        5,
        "Scale of the store-type quality profile STORE_TYPE_PROFILE (0 = all store types alike).",
    )
    determinant_shift: tuple[float, ...] = _par(
        (0.0,) * 8,
        -3,
        3,
        "What-if lever: a shift, in SD units, of every store's quality on each determinant (in the order of DETERMINANTS: social, crowding, service, atmosphere, assortment, price, channel, brand). (0, 0, 0.5, 0, 0, 0, 0, 0) simulates a chain whose service is perceived half an SD better everywhere; the weights and so truth() do not change. Default: no shift.",
        kind="vector",
        length=8,
    )
    crowding_winter: float = _par(
        0.5,
        -5,
        5,
        "Shift of perceived crowding in winter (holiday shopping). Teaching choice for the seasonal effect on a determinant.",
    )
    # --- who the customers and stores are
    p_hedonic: float = _par(
        0.4,
        0,
        1,
        "Share of customers with a hedonic (vs utilitarian) shopping goal (Babin, Darden & Griffin 1994).",
    )
    p_male: float = _par(0.48, 0, 1, "Share of men among the customers.")
    p_multichannel: float = _par(
        0.45, 0, 1, "Share of customers who also use the online shop or app."
    )
    age_mean: float = _par(
        45.0,
        18,
        85,
        "Mean age of the customers (years); ages are drawn normal and clipped to 18-85.",
    )
    age_sd: float = _par(15.0, 0, 40, "SD of age (years).")
    tech_readiness_age: float = _par(
        -0.3,
        -0.95,
        0.95,
        "Correlation of technology readiness with age (older customers are less tech-ready on average; Parasuraman 2000).",
    )
    prior_expectation_sd: float = _par(0.5, 0, 5, "SD of the customers' prior expectation level.")
    store_type_probs: tuple = _par(
        (0.30, 0.35, 0.15, 0.20),
        0,
        1,
        "Probabilities of the store types discounter, supermarket, department, specialty (sum to 1).",
        kind="probs",
        length=4,
    )
    location_probs: tuple = _par(
        (0.4, 0.3, 0.3),
        0,
        1,
        "Probabilities of the locations suburban, city_centre, mall (sum to 1).",
        kind="probs",
        length=3,
    )
    p_poor_economy: float = _par(
        0.3, 0, 1, "Long-run share of region-quarters with a poor economic climate."
    )
    economy_persistence: float = _par(
        0.7,
        0,
        1,
        "Probability that a region keeps last quarter's economic climate (otherwise it is redrawn).",
    )
    # --- expectations and disconfirmation (Oliver 1980)
    culture_expectation: float = _par(
        0.3,
        -5,
        5,
        "Expectation shift by region (culture): +1x in the south, -1x in the east (REGION_EXPECTATION). Teaching choice.",
    )
    expectation_adaptation: float = _par(
        0.3,
        -1,
        1,
        "Weight of CX(t-1) in this visit's expectation: expectations adapt to experience (Oliver 1980).",
    )
    expectation_noise_sd: float = _par(0.3, 0, 5, "SD of visit-level noise in the expectation.")
    # --- satisfaction, recommendation, repurchase intention (ordered probit)
    satisfaction_cx: float = _par(0.8, -5, 5, "Ordered-probit weight of CX in satisfaction.")
    satisfaction_disconfirmation: float = _par(
        0.6, -5, 5, "Ordered-probit weight of disconfirmation in satisfaction (Oliver 1980)."
    )
    satisfaction_cutpoints: tuple = _par(
        (-3.6, -2.7, -1.8, -0.9, 0.0, 1.3),
        -20,
        20,
        "Six increasing thresholds of the latent satisfaction for the 1-7 scale (skewed to the top, as satisfaction scores usually are).",
        kind="cuts",
        length=6,
    )
    recommend_cx: float = _par(
        0.9, -5, 5, "Ordered-probit weight of CX in likelihood to recommend (Reichheld 2003)."
    )
    recommend_disconfirmation: float = _par(
        0.4, -5, 5, "Ordered-probit weight of disconfirmation in likelihood to recommend."
    )
    recommend_cutpoints: tuple = _par(
        (-4.2, -3.6, -3.0, -2.5, -2.0, -1.5, -1.0, -0.2, 0.9, 2.0),
        -20,
        20,
        "Ten increasing thresholds for the 0-10 scale (about 30% detractors, 35% promoters).",
        kind="cuts",
        length=10,
    )
    repurchase_cx: float = _par(0.7, -5, 5, "Ordered-probit weight of CX in repurchase intention.")
    repurchase_disconfirmation: float = _par(
        0.3, -5, 5, "Ordered-probit weight of disconfirmation in repurchase intention."
    )
    repurchase_complained: float = _par(
        -0.4, -5, 5, "Repurchase-intention shift after a complaint that was not recovered well."
    )
    repurchase_recovered: float = _par(
        0.9,
        -5,
        5,
        "Added shift when the complaint was recovered well; complained + recovered > 0 is the service recovery paradox (McCollough & Bharadwaj 1992; de Matos, Henrique & Rossi 2007 find it for satisfaction more than for loyalty, so it is a teaching choice here).",
    )
    repurchase_cutpoints: tuple = _par(
        (-3.2, -2.4, -1.6, -0.8, 0.1, 1.2),
        -20,
        20,
        "Six increasing thresholds for the 1-7 repurchase-intention scale.",
        kind="cuts",
        length=6,
    )
    # --- complaints and recovery (logit)
    complaint_intercept: float = _par(
        -2.6, -20, 20, "Logit intercept of complaining (about 10% of visits)."
    )
    complaint_disconfirmation: float = _par(
        -0.9,
        -10,
        10,
        "Logit slope of complaining on disconfirmation: worse-than-expected visits bring complaints.",
    )
    recovery_intercept: float = _par(
        0.3, -20, 20, "Logit intercept of a complaint being recovered well (about 57%)."
    )
    recovery_service: float = _par(
        0.5,
        -10,
        10,
        "Logit slope of good recovery on the perceived service interface (Smith & Bolton 1998).",
    )
    # --- return next period (logit)
    return_intercept: float = _par(-1.5, -20, 20, "Logit intercept of returning next period.")
    return_satisfaction: float = _par(
        0.55, -10, 10, "Logit slope of return on satisfaction (1-7) at average competition."
    )
    return_competition: float = _par(
        -0.3,
        -10,
        10,
        "Logit slope of return on competition intensity (SD units): rivals nearby pull customers away.",
    )
    return_satisfaction_x_competition: float = _par(
        -0.15,
        -10,
        10,
        "Competition weakens the step from satisfaction to return (Jones & Sasser 1995; Fornell 1992).",
    )
    return_complained: float = _par(
        -0.5, -10, 10, "Logit shift of return after a complaint not recovered well."
    )
    return_recovered: float = _par(
        1.0,
        -10,
        10,
        "Added logit shift when the complaint was recovered well (service recovery paradox).",
    )
    # --- spend (log-normal)
    spend_log_intercept: float = _par(
        3.7,
        -10,
        20,
        "Mean log spend per visit in a discounter for a utilitarian shopper (exp(3.7) ~ 40 currency units).",
    )
    spend_cx: float = _par(
        0.10, -5, 5, "Log-spend slope on CX: a better experience, a bigger basket."
    )
    spend_hedonic: float = _par(
        0.20, -5, 5, "Log-spend shift for hedonic shoppers (Babin, Darden & Griffin 1994)."
    )
    spend_supermarket: float = _par(
        0.2, -5, 5, "Log-spend shift in a supermarket (vs a discounter)."
    )
    spend_department: float = _par(0.6, -5, 5, "Log-spend shift in a department store.")
    spend_specialty: float = _par(0.5, -5, 5, "Log-spend shift in a specialty store.")
    spend_noise_sd: float = _par(0.5, 0, 5, "SD of visit-level log-spend noise.")
    # --- time in store (log-normal) and its effect on spend
    dwell_log_intercept: float = _par(
        3.0,
        -5,
        10,
        "Mean log minutes in the store for a utilitarian shopper at average perceived atmosphere (exp(3.0) ~ 20 minutes).",
    )
    dwell_atmosphere: float = _par(
        0.12,
        -5,
        5,
        "Log-minutes per SD of perceived atmosphere: slow music and soft light lengthen the visit (Milliman 1982, 1986; Donovan & Rossiter 1982; Donovan et al. 1994).",
    )
    dwell_hedonic: float = _par(
        0.25,
        -5,
        5,
        "Log-minutes shift for hedonic shoppers, who browse longer (Babin, Darden & Griffin 1994).",
    )
    dwell_noise_sd: float = _par(0.35, 0, 5, "SD of visit-level log-minutes noise.")
    spend_dwell: float = _par(
        0.30,
        -5,
        5,
        "Elasticity of spend with respect to minutes in the store (log-log): 10% more time, about 3% more spend (Milliman 1982, 1986; Donovan et al. 1994). spend_log_intercept is the mean log spend of a 20-minute visit (DWELL_REFERENCE).",
    )

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _check_field(f, getattr(self, f.name))

    # --- (de)serialisation
    def to_dict(self) -> dict[str, Any]:
        """All parameters as a plain dict (tuples become lists), ready for JSON.

        Examples
        --------
        >>> RetailParams().to_dict()["carryover"]
        0.4
        """
        return {
            f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
            for f in dataclasses.fields(self)
        }

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> RetailParams:
        """Build parameters from a (possibly partial) mapping; missing keys keep defaults.

        Examples
        --------
        >>> RetailParams.from_dict({"carryover": 0.6}).carryover
        0.6
        """
        if not isinstance(values, Mapping):
            raise TypeError(
                f"values must be a mapping of parameter names to values, got {type(values).__name__}."
            )
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(values) - set(names), key=str)
        if unknown:
            raise ValueError(
                f"values: unknown parameter name(s) {unknown}; allowed names are: {', '.join(names)}."
            )
        kwargs = {k: tuple(x) if isinstance(x, list) else x for k, x in values.items()}
        return cls(**kwargs)

    @classmethod
    def coerce(cls, params: Any, argument: str = "params") -> RetailParams:
        """``params`` as a RetailParams: ``None`` gives the defaults, a mapping goes through
        :meth:`from_dict`, a RetailParams is returned as it is.

        This is how every function of the package that takes ``params=`` reads it.

        Examples
        --------
        >>> RetailParams.coerce(None) == RetailParams()
        True
        >>> RetailParams.coerce({"carryover": 0.6}).carryover
        0.6
        """
        if params is None:
            return cls()
        if isinstance(params, cls):
            return params
        if isinstance(params, Mapping):
            return cls.from_dict(params)
        raise TypeError(
            f"{argument} must be a RetailParams, a mapping of parameter values or None, "
            f"got {type(params).__name__}."
        )

    def to_json(self, **kwargs: Any) -> str:
        """The parameters as a JSON string (keyword arguments go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_json(cls, text: str) -> RetailParams:
        """Read parameters written by :meth:`to_json`."""
        return cls.from_dict(json.loads(text))

    @classmethod
    def describe(cls) -> pd.DataFrame:
        """A table of every parameter: name, default, allowed range, documentation.

        Examples
        --------
        >>> RetailParams.describe().columns.tolist()
        ['name', 'default', 'allowed', 'description']
        """
        rows = []
        for f in dataclasses.fields(cls):
            rows.append(
                {
                    "name": f.name,
                    "default": f.default,
                    "allowed": _range_text(f),
                    "description": f.metadata["doc"],
                }
            )
        return pd.DataFrame(rows)


def _attributes_section() -> str:
    """The numpydoc ``Attributes`` section of RetailParams, built from the field metadata."""
    import textwrap

    lines = ["Attributes", "----------"]
    for f in dataclasses.fields(RetailParams):
        kind = "tuple of float" if f.metadata["kind"] in ("probs", "cuts", "vector") else "float"
        lines.append(f"{f.name} : {kind}, default {f.default!r}")
        text = f"{f.metadata['doc']} Allowed: {_range_text(f)}."
        lines.extend(textwrap.wrap(text, 84, initial_indent="    ", subsequent_indent="    "))
    return textwrap.indent("\n".join(lines), "    ").lstrip() + "\n\n    "


def _range_text(f: dataclasses.Field) -> str:
    m = f.metadata
    lo = "<" if m["open_low"] else "<="
    hi = "<" if m["open_high"] else "<="
    text = f"{_fmt(m['low'])} {lo} {f.name} {hi} {_fmt(m['high'])}"
    if m["kind"] == "probs":
        return f"{m['length']} probabilities in [0, 1] summing to 1"
    if m["kind"] == "cuts":
        return f"{m['length']} strictly increasing finite numbers in [{_fmt(m['low'])}, {_fmt(m['high'])}]"
    if m["kind"] == "vector":
        return f"{m['length']} finite numbers in [{_fmt(m['low'])}, {_fmt(m['high'])}]"
    return text


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _is_real(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool | np.bool_)


def _check_field(f: dataclasses.Field, value: Any) -> None:
    """Check one parameter against its metadata (the messages of ``_validate``'s style)."""
    m = f.metadata
    name = f.name
    if m["kind"] not in ("probs", "cuts", "vector"):
        v.check_number(
            value,
            name,
            low=m["low"],
            high=m["high"],
            open_low=m["open_low"],
            open_high=m["open_high"],
        )
        return
    allowed = _range_text(f)
    if not isinstance(value, tuple | list) or not all(_is_real(x) for x in value):
        raise TypeError(f"{name} must be a tuple of {m['length']} numbers, got {value!r}.")
    if len(value) != m["length"]:
        raise ValueError(f"{name} must hold {allowed}, got {len(value)} values: {value!r}.")
    vals = [float(x) for x in value]
    if not all(math.isfinite(x) and m["low"] <= x <= m["high"] for x in vals):
        raise ValueError(f"{name} must hold {allowed}, got {value!r}.")
    if m["kind"] == "probs" and abs(sum(vals) - 1.0) > 1e-9:
        raise ValueError(f"{name} must hold {allowed}, got {value!r} (sum {sum(vals):g}).")
    if m["kind"] == "cuts" and any(b <= a for a, b in zip(vals, vals[1:], strict=False)):
        raise ValueError(f"{name} must hold {allowed}, got {value!r} (not increasing).")


if RetailParams.__doc__:  # document every field in help(RetailParams), before Examples
    RetailParams.__doc__ = RetailParams.__doc__.replace(
        "Examples\n", _attributes_section() + "Examples\n", 1
    )


# ---------------------------------------------------------------------------- randomness


def _stream(root: np.random.SeedSequence, name: str) -> np.random.Generator:
    """An independent generator for one named component (stable under adding components)."""
    key = zlib.crc32(name.encode("utf-8"))
    child = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, key))
    return v.make_rng(child)


def _categorical(
    codes: np.ndarray, categories: Sequence[str], ordered: bool = False
) -> pd.Categorical:
    return pd.Categorical.from_codes(
        codes.astype(np.int8, copy=False),
        categories=list(categories),
        ordered=ordered,
        validate=False,
    )


def _bernoulli_logit(rng: np.random.Generator, lin: np.ndarray) -> np.ndarray:
    """Draw True with probability 1 / (1 + exp(-lin)), elementwise, in float32."""
    u = rng.random(lin.shape, dtype=np.float32)
    # u < expit(lin)  <=>  log(u) - log1p(-u) < lin
    np.clip(u, np.float32(1e-12), None, out=u)
    logit_u = np.log(u)
    np.subtract(logit_u, np.log1p(-u, out=u), out=logit_u)
    return logit_u < lin


def _ordinal(
    rng: np.random.Generator, lin: np.ndarray, cuts: Sequence[float], first: int
) -> np.ndarray:
    """Ordered probit: category ``first + #(cuts below lin + N(0, 1))`` as int8."""
    latent = rng.standard_normal(lin.shape, dtype=np.float32)
    latent += lin
    out = np.searchsorted(np.asarray(cuts, dtype=np.float32), latent.ravel()).astype(np.int8)
    out += np.int8(first)
    return out.reshape(lin.shape)


# ---------------------------------------------------------------------------- the panel


class _Stores(NamedTuple):
    """The chain's stores (one entry per store)."""

    store_type: np.ndarray  # int8 codes into STORE_TYPES
    location: np.ndarray  # int8 codes into LOCATIONS
    region: np.ndarray  # int8 codes into REGIONS
    competition: np.ndarray  # float32, SD units
    quality: np.ndarray  # (n_stores, 8) float32: mean perception of each determinant


class _Customers(NamedTuple):
    """The customers' lasting traits (one entry per customer)."""

    store: np.ndarray  # int16 index of the home store
    age: np.ndarray  # int8 years
    male: np.ndarray  # bool
    hedonic: np.ndarray  # bool
    task: np.ndarray  # float32 task orientation
    tech: np.ndarray  # float32 technology readiness
    price_consciousness: np.ndarray  # float32
    multichannel: np.ndarray  # bool
    prior: np.ndarray  # float32 prior expectation
    effect: np.ndarray  # float32 lasting customer effect u_i


def _simulate_stores(root: np.random.SeedSequence, p: RetailParams, n_stores: int) -> _Stores:
    """Step 1: store type, location, region, competition and quality profile of each store."""
    f32 = np.float32
    rs = _stream(root, "stores")
    store_type = rs.choice(4, size=n_stores, p=np.asarray(p.store_type_probs)).astype(np.int8)
    location = rs.choice(3, size=n_stores, p=np.asarray(p.location_probs)).astype(np.int8)
    region = rs.integers(0, 4, size=n_stores).astype(np.int8)
    competition = rs.standard_normal(n_stores, dtype=f32)
    quality = rs.standard_normal((n_stores, 8), dtype=f32) * f32(p.determinant_store_sd)
    quality += f32(p.store_type_profile) * STORE_TYPE_PROFILE[store_type]
    if any(p.determinant_shift):  # what-if: better (or worse) perceived quality everywhere
        quality += np.asarray(p.determinant_shift, dtype=f32)
    return _Stores(store_type, location, region, competition, quality)


def _simulate_economy(root: np.random.SeedSequence, p: RetailParams, n_periods: int) -> np.ndarray:
    """Step 2: a poor (True) or good economy by region and period, a persistent two-state chain."""
    re_ = _stream(root, "economy")
    poor = np.empty((4, n_periods), dtype=bool)
    poor[:, 0] = re_.random(4) < p.p_poor_economy
    for t in range(1, n_periods):
        keep = re_.random(4) < p.economy_persistence
        fresh = re_.random(4) < p.p_poor_economy
        poor[:, t] = np.where(keep, poor[:, t - 1], fresh)
    return poor


def _simulate_customers(
    root: np.random.SeedSequence, p: RetailParams, n: int, n_stores: int
) -> _Customers:
    """Step 3: each customer's home store, socio-demographics, attitudes and lasting effect."""
    f32 = np.float32
    rc = _stream(root, "customers")
    store = rc.integers(0, n_stores, size=n).astype(np.int16)
    age_z = rc.standard_normal(n, dtype=f32)
    age = np.clip(np.rint(p.age_mean + p.age_sd * age_z), 18, 85).astype(np.int8)
    male = rc.random(n, dtype=f32) < p.p_male
    hedonic = rc.random(n, dtype=f32) < p.p_hedonic
    task = rc.standard_normal(n, dtype=f32)
    r = p.tech_readiness_age
    tech = f32(r) * age_z + f32(math.sqrt(1 - r * r)) * rc.standard_normal(n, dtype=f32)
    pc = rc.standard_normal(n, dtype=f32)
    multi = rc.random(n, dtype=f32) < p.p_multichannel
    prior = rc.standard_normal(n, dtype=f32) * f32(p.prior_expectation_sd)
    u = _stream(root, "customer_effect").standard_normal(n, dtype=f32) * f32(p.customer_effect_sd)
    return _Customers(store, age, male, hedonic, task, tech, pc, multi, prior, u)


def _customer_slopes(p: RetailParams, c: _Customers, stores: _Stores) -> np.ndarray:
    """Step 4: each customer's weight b_k(i) of every determinant, moderators included.

    The situation moderators that stay fixed for a customer (the home store's type,
    location, region and competition) are added here; those that vary by period (the
    season for crowding, the economy for price) are added in :func:`_simulate_cx`.
    """
    f32 = np.float32
    age_dec = (c.age.astype(f32) - f32(AGE_REFERENCE)) / f32(10)
    atm_x = np.array(
        [0.0, p.atmosphere_x_supermarket, p.atmosphere_x_department, p.atmosphere_x_specialty],
        dtype=f32,
    )
    crowd_x = np.array([0.0, p.crowding_x_city_centre, p.crowding_x_mall], dtype=f32)
    serv_x = np.array([0.0, p.service_x_south, p.service_x_east, p.service_x_west], dtype=f32)
    c_type, c_loc = stores.store_type[c.store], stores.location[c.store]
    c_region, c_comp = stores.region[c.store], stores.competition[c.store]
    slopes = np.empty((8, len(c.store)), dtype=f32)
    slopes[0] = p.social_weight
    slopes[1] = p.crowding_weight + p.crowding_x_hedonic * c.hedonic + crowd_x[c_loc]
    slopes[2] = p.service_weight + p.service_x_age * age_dec + p.service_x_tech_readiness * c.tech
    slopes[2] += serv_x[c_region]
    slopes[3] = p.atmosphere_weight + atm_x[c_type]
    slopes[4] = p.assortment_weight + p.assortment_x_task_orientation * c.task
    slopes[5] = p.price_weight + p.price_x_price_consciousness * c.price_consciousness
    slopes[5] += p.price_x_competition * c_comp + p.price_x_prior_expectation * c.prior
    slopes[6] = (
        p.channel_weight + p.channel_x_multichannel * c.multichannel + p.channel_x_male * c.male
    )
    slopes[7] = p.brand_weight
    return slopes


def _simulate_cx(
    root: np.random.SeedSequence,
    p: RetailParams,
    c: _Customers,
    stores: _Stores,
    slopes: np.ndarray,
    poor_it: np.ndarray,
    winter: np.ndarray,
    personalised: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Step 5: the perceived determinants and CX, with the AR(1) carryover over periods.

    Returns ``cx`` and ``cx_lag`` (n x T) and the eight determinants (n x T each).
    """
    f32 = np.float32
    n, n_periods = poor_it.shape
    bias = _stream(root, "perception_bias").standard_normal((n, 8), dtype=f32)
    bias *= f32(p.determinant_customer_sd)
    bias += stores.quality[c.store]  # lasting part of each perceived determinant
    loc_eff = np.array([0.0, p.location_city_centre, p.location_mall], dtype=f32)
    # the CX drive: everything but the carryover
    cx = _stream(root, "cx_noise").standard_normal((n, n_periods), dtype=f32)
    cx *= f32(p.cx_noise_sd)
    level = f32(p.cx_intercept) + c.effect + loc_eff[stores.location[c.store]]
    cx += level[:, None]
    cx += f32(p.season_winter) * winter
    cx += np.where(poor_it, f32(p.economy_poor), f32(0))
    cx += np.where(personalised, f32(p.personalisation_uplift), f32(0))
    dets = []
    for k, name in enumerate(DETERMINANTS):
        x = _stream(root, f"visit_{name}").standard_normal((n, n_periods), dtype=f32)
        x *= f32(p.determinant_visit_sd)
        x += bias[:, k, None]
        if name == "crowding":
            x += f32(p.crowding_winter) * winter
        cx += x * slopes[k][:, None]
        if name == "crowding":  # the season moderates the crowding slope
            cx += x * (f32(p.crowding_x_winter) * winter)
        if name == "price":  # the economy moderates the price slope
            cx += x * np.where(poor_it, f32(p.price_x_poor_economy), f32(0))
        dets.append(x)
    # pre-sample experience: the stationary level implied by the lasting components
    lasting = level + (slopes * bias.T).sum(axis=0)
    lasting += f32(p.p_personalised * p.personalisation_uplift)
    rho = f32(p.carryover)
    sd0 = f32(p.cx_noise_sd / math.sqrt(1 - p.carryover**2))
    cx0 = lasting / (1 - rho) + sd0 * _stream(root, "cx_initial").standard_normal(n, dtype=f32)
    cx_lag = _carry_over(cx, cx0, rho)
    return cx, cx_lag, dets


def _carry_over(cx: np.ndarray, cx0: np.ndarray, rho: np.float32) -> np.ndarray:
    """Add ``rho * CX(t-1)`` to the drive ``cx`` in place, period by period; return CX(t-1)."""
    cx_lag = np.empty_like(cx)
    cx_lag[:, 0] = cx0
    prev = cx0
    for t in range(cx.shape[1]):
        col = cx[:, t]
        col += rho * prev
        prev = col
        if t + 1 < cx.shape[1]:
            cx_lag[:, t + 1] = col
    return cx_lag


def _simulate_expectation(
    root: np.random.SeedSequence,
    p: RetailParams,
    c: _Customers,
    c_region: np.ndarray,
    cx: np.ndarray,
    cx_lag: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Step 6: the expectation of each visit and the disconfirmation ``cx - expectation``."""
    f32 = np.float32
    expectation = _stream(root, "expectation").standard_normal(cx.shape, dtype=f32)
    expectation *= f32(p.expectation_noise_sd)
    expectation += (c.prior + f32(p.culture_expectation) * REGION_EXPECTATION[c_region])[:, None]
    expectation += f32(p.expectation_adaptation) * cx_lag
    return expectation, cx - expectation


def _simulate_outcomes(
    root: np.random.SeedSequence,
    p: RetailParams,
    cx: np.ndarray,
    disconf: np.ndarray,
    service: np.ndarray,
    competition: np.ndarray,
) -> dict[str, np.ndarray]:
    """Step 7: ratings (ordered probit), complaints, recovery and return (logit), n x T each."""
    f32 = np.float32
    lin = f32(p.satisfaction_cx) * cx
    lin += f32(p.satisfaction_disconfirmation) * disconf
    satisfaction = _ordinal(_stream(root, "satisfaction"), lin, p.satisfaction_cutpoints, 1)
    lin = f32(p.recommend_cx) * cx
    lin += f32(p.recommend_disconfirmation) * disconf
    recommend = _ordinal(_stream(root, "likelihood_to_recommend"), lin, p.recommend_cutpoints, 0)
    lin = f32(p.complaint_disconfirmation) * disconf
    lin += f32(p.complaint_intercept)
    complained = _bernoulli_logit(_stream(root, "complained"), lin)
    lin = f32(p.recovery_service) * service
    lin += f32(p.recovery_intercept)
    recovered = _bernoulli_logit(_stream(root, "recovered_well"), lin)
    recovered &= complained
    lin = f32(p.repurchase_cx) * cx
    lin += f32(p.repurchase_disconfirmation) * disconf
    lin += np.where(complained, f32(p.repurchase_complained), f32(0))
    lin += np.where(recovered, f32(p.repurchase_recovered), f32(0))
    repurchase = _ordinal(_stream(root, "repurchase_intention"), lin, p.repurchase_cutpoints, 1)
    comp_c = competition[:, None]
    lin = f32(p.return_satisfaction) + f32(p.return_satisfaction_x_competition) * comp_c
    lin = lin * satisfaction.astype(f32)
    lin += f32(p.return_intercept) + f32(p.return_competition) * comp_c
    lin += np.where(complained, f32(p.return_complained), f32(0))
    lin += np.where(recovered, f32(p.return_recovered), f32(0))
    returned = _bernoulli_logit(_stream(root, "returned_next"), lin)
    return {
        "satisfaction": satisfaction,
        "likelihood_to_recommend": recommend,
        "complained": complained,
        "recovered_well": recovered,
        "repurchase_intention": repurchase,
        "returned_next": returned,
    }


def _simulate_dwell(
    root: np.random.SeedSequence,
    p: RetailParams,
    atmosphere: np.ndarray,
    hedonic: np.ndarray,
) -> np.ndarray:
    """Step 8: minutes in the store (log-normal, rounded to 0.1 minute, at least 0.1), n x T."""
    f32 = np.float32
    log_dwell = _stream(root, "dwell_time").standard_normal(atmosphere.shape, dtype=f32)
    log_dwell *= f32(p.dwell_noise_sd)
    log_dwell += (f32(p.dwell_log_intercept) + f32(p.dwell_hedonic) * hedonic)[:, None]
    log_dwell += f32(p.dwell_atmosphere) * atmosphere
    dwell = np.exp(log_dwell, out=log_dwell)
    dwell *= f32(10)
    np.rint(dwell, out=dwell)
    np.maximum(dwell, f32(1), out=dwell)
    dwell /= f32(10)
    return dwell


def _simulate_spend(
    root: np.random.SeedSequence,
    p: RetailParams,
    cx: np.ndarray,
    dwell: np.ndarray,
    hedonic: np.ndarray,
    c_type: np.ndarray,
) -> np.ndarray:
    """Step 9: spend per visit (log-normal, rounded to cents, at least 0.01), n x T.

    The recorded (rounded) minutes in the store enter log spend, so the regression on
    ``np.log(dwell_time)`` is exact.
    """
    f32 = np.float32
    type_spend = np.array(
        [0.0, p.spend_supermarket, p.spend_department, p.spend_specialty], dtype=f32
    )
    log_spend = _stream(root, "spend").standard_normal(cx.shape, dtype=f32)
    log_spend *= f32(p.spend_noise_sd)
    log_spend += (f32(p.spend_log_intercept) + f32(p.spend_hedonic) * hedonic + type_spend[c_type])[
        :, None
    ]
    log_spend += f32(p.spend_cx) * cx
    log_spend += f32(p.spend_dwell) * np.log(dwell / f32(DWELL_REFERENCE))
    spend = np.exp(log_spend, out=log_spend)
    spend *= f32(100)
    np.rint(spend, out=spend)
    np.maximum(spend, f32(1), out=spend)
    spend /= f32(100)
    return spend


def _assemble_panel(
    c: _Customers,
    stores: _Stores,
    poor_it: np.ndarray,
    season_idx: np.ndarray,
    visits: dict[str, np.ndarray],
) -> pd.DataFrame:
    """Step 10: one row per customer and period; one column per array, no consolidation copy.

    ``visits`` maps column names to n x T arrays, in column order.
    """
    n, n_periods = poor_it.shape

    def rep(a: np.ndarray) -> np.ndarray:
        return np.repeat(a, n_periods)

    c_type, c_loc = stores.store_type[c.store], stores.location[c.store]
    columns: dict[str, Any] = {
        "customer_id": rep(np.arange(1, n + 1, dtype=np.int32)),
        "period": np.tile(np.arange(1, n_periods + 1, dtype=np.int8), n),
        "store_id": rep(c.store + np.int16(1)),
        "age": rep(c.age),
        "gender": _categorical(rep(c.male.view(np.int8)), GENDERS),
        "goal": _categorical(rep(c.hedonic.view(np.int8)), GOALS),
        "task_orientation": rep(c.task),
        "tech_readiness": rep(c.tech),
        "price_consciousness": rep(c.price_consciousness),
        "multichannel": rep(c.multichannel),
        "prior_expectation": rep(c.prior),
        "store_type": _categorical(rep(c_type), STORE_TYPES),
        "location": _categorical(rep(c_loc), LOCATIONS),
        "region": _categorical(rep(stores.region[c.store]), REGIONS),
        "competition": rep(stores.competition[c.store]),
        "season": _categorical(np.tile(season_idx, n), SEASONS),
        "economy": _categorical(poor_it.astype(np.int8).ravel(), ECONOMIES, ordered=False),
    }
    for name, x in visits.items():
        columns[name] = x.reshape(n * n_periods) if name != "customer_effect" else rep(x)
    return pd.DataFrame(columns, copy=False)


def simulate_panel(
    n_customers: int,
    n_periods: int,
    *,
    params: RetailParams | Mapping[str, Any] | None = None,
    n_stores: int = 20,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
) -> pd.DataFrame:
    """Simulate a balanced panel of retail customers' experiences (Verhoef et al. 2009).

    Parameters
    ----------
    n_customers : int
        Number of customers (1 to 2,147,483,646). Each shops at one home store.
    n_periods : int
        Number of periods (quarters, 1-120). Period 1 is a spring quarter.
    params : RetailParams or mapping, optional
        The model's parameters; a mapping is read with :meth:`RetailParams.from_dict`.
        Default: ``RetailParams()``.
    n_stores : int, default 20
        Number of stores in the chain (1-32767).
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Source of randomness. The same int gives byte-identical output.

    Returns
    -------
    pandas.DataFrame
        One row per customer and period (customer-major order), with columns

        * ids: ``customer_id`` (int32, from 1), ``period`` (int8, from 1),
          ``store_id`` (int16, from 1);
        * consumer moderators: ``age`` (int8, years), ``gender``, ``goal``
          (categoricals), ``task_orientation``, ``tech_readiness``,
          ``price_consciousness`` (float32, SD units), ``multichannel`` (bool),
          ``prior_expectation`` (float32);
        * situation: ``store_type``, ``location``, ``region`` (categoricals),
          ``competition`` (float32, SD units), ``season``, ``economy`` (categoricals);
        * the perceived determinants (float32): ``social``, ``crowding``,
          ``service``, ``atmosphere``, ``assortment``, ``price``, ``channel``,
          ``brand``; ``personalised`` (bool: the visit's service interface was
          personalised, assigned at random with probability ``p_personalised``);
        * latent experience (float32): ``customer_effect``, ``cx_lag`` (CX at t-1;
          in period 1 the pre-sample experience), ``cx``, ``expectation``,
          ``disconfirmation`` (``cx - expectation``);
        * outcomes: ``satisfaction`` (int8, 1-7), ``likelihood_to_recommend``
          (int8, 0-10), ``complained``, ``recovered_well`` (bool; recovered only if
          complained), ``repurchase_intention`` (int8, 1-7), ``returned_next`` (bool),
          ``dwell_time`` (float32, minutes in the store, to 0.1 minute),
          ``spend`` (float32, currency units, cents).

        The frame is data only: nothing is kept in ``DataFrame.attrs``. To keep the
        parameters with a data file, save ``RetailParams.coerce(params).to_json()``
        next to it (with ``n_stores`` and ``seed``); :func:`truth` gives the true
        effects from the same parameters.

    Notes
    -----
    See the module docstring for the equations and :func:`truth` for the true
    effects and the specifications that recover them. The steps -- stores, regional
    economy, customers, their slopes, personalised visits, CX with carryover,
    expectations, outcomes, time in store, spend -- each draw from their own named
    random stream.

    References
    ----------
    Verhoef, P. C., et al. (2009). Customer experience creation: Determinants, dynamics
    and management strategies. *Journal of Retailing*, 85(1), 31-41.

    Examples
    --------
    >>> panel = simulate_panel(100, 3, seed=7)
    >>> len(panel), panel["satisfaction"].between(1, 7).all()
    (300, np.True_)
    >>> panel.groupby("goal", observed=True)["crowding"].count().tolist()
    [171, 129]
    """
    n = v.check_integer(n_customers, "n_customers", low=1, high=2**31 - 2)
    n_periods = v.check_integer(n_periods, "n_periods", low=1, high=120)
    n_stores = v.check_integer(n_stores, "n_stores", low=1, high=32767)
    if n * n_periods > MAX_PANEL_ROWS:  # refuse before allocating what would not fit
        raise ValueError(
            f"n_customers x n_periods must be at most {MAX_PANEL_ROWS:,} rows (about 10 GB "
            f"of panel), got {n:,} x {n_periods} = {n * n_periods:,}; a smaller panel "
            f"(e.g. 20,000 customers over 8 quarters) already estimates every effect of "
            f"the course to the second decimal."
        )
    p = RetailParams.coerce(params)
    root = v.seed_sequence(seed)

    stores = _simulate_stores(root, p, n_stores)
    poor = _simulate_economy(root, p, n_periods)
    c = _simulate_customers(root, p, n, n_stores)
    c_type, c_region = stores.store_type[c.store], stores.region[c.store]
    slopes = _customer_slopes(p, c, stores)
    season_idx = (np.arange(n_periods) % 4).astype(np.int8)
    winter = (season_idx == 3).astype(np.float32)
    poor_it = poor[c_region]  # (n, T) bool
    personalised = _stream(root, "personalised").random((n, n_periods)) < p.p_personalised
    cx, cx_lag, dets = _simulate_cx(root, p, c, stores, slopes, poor_it, winter, personalised)
    expectation, disconf = _simulate_expectation(root, p, c, c_region, cx, cx_lag)
    outcomes = _simulate_outcomes(
        root, p, cx, disconf, dets[DETERMINANTS.index("service")], stores.competition[c.store]
    )
    dwell = _simulate_dwell(root, p, dets[DETERMINANTS.index("atmosphere")], c.hedonic)
    spend = _simulate_spend(root, p, cx, dwell, c.hedonic, c_type)
    visits = {
        **dict(zip(DETERMINANTS, dets, strict=True)),
        "personalised": personalised,
        "customer_effect": c.effect,
        "cx_lag": cx_lag,
        "cx": cx,
        "expectation": expectation,
        "disconfirmation": disconf,
        **outcomes,
        "dwell_time": dwell,
        "spend": spend,
    }
    return _assemble_panel(c, stores, poor_it, season_idx, visits)


# ---------------------------------------------------------------------------- the truth

_CX_SPEC = ("OLS", CX_FORMULA)
_EXP_SPEC = ("OLS", "expectation ~ prior_expectation + region + cx_lag")
_SAT_SPEC = ("OrderedModel probit", "satisfaction ~ cx + disconfirmation")
_REC_SPEC = ("OrderedModel probit", "likelihood_to_recommend ~ cx + disconfirmation")
_REP_SPEC = (
    "OrderedModel probit",
    "repurchase_intention ~ cx + disconfirmation + complained + recovered_well",
)
_RET_SPEC = (
    "logit",
    "returned_next.astype(int) ~ satisfaction * competition + complained + recovered_well",
)
_COMP_SPEC = ("logit", "complained.astype(int) ~ disconfirmation")
_RECOV_SPEC = ("logit on rows with complained == True", "recovered_well.astype(int) ~ service")
_DWELL_SPEC = ("OLS", "np.log(dwell_time) ~ atmosphere + goal")
_SPEND_SPEC = ("OLS", "np.log(spend) ~ cx + np.log(dwell_time) + goal + store_type")


def _threshold_rows(cuts: Sequence[float], first: int) -> list[tuple[str, float, str]]:
    rows = []
    for k, c in enumerate(cuts):
        lo, hi = first + k, first + k + 1
        est = c if k == 0 else math.log(c - cuts[k - 1])
        what = "first cut-point" if k == 0 else "log of the increment over the previous cut-point"
        rows.append(
            (
                f"{lo:.1f}/{hi:.1f}",
                est,
                f"threshold between {lo} and {hi} (cut-point {c:g}); OrderedModel reports the {what}",
            )
        )
    return rows


_ZERO = "no such effect in the model (true value 0)"


def _cx_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """The true effects in the CX equation: (term, value, description)."""
    return _cx_level_rows(p) + _cx_slope_rows(p) + _cx_situation_rows(p)


def _cx_level_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """CX equation: intercept, situation main effects, carryover and customer effect."""
    zero = _ZERO
    return [
        (
            "Intercept",
            p.cx_intercept,
            "CX intercept (reference levels of every categorical moderator)",
        ),
        ("goal[T.hedonic]", 0.0, zero),
        (
            "store_type[T.supermarket]",
            0.0,
            zero + "; store types differ through their determinant profiles",
        ),
        ("store_type[T.department]", 0.0, zero),
        ("store_type[T.specialty]", 0.0, zero),
        ("economy[T.poor]", p.economy_poor, "CX shift in a poor regional economy"),
        ("multichannel[T.True]", 0.0, zero),
        ("gender[T.male]", 0.0, zero),
        ("location[T.city_centre]", p.location_city_centre, "CX shift in a city-centre store"),
        ("location[T.mall]", p.location_mall, "CX shift in a mall store"),
        ("season[T.summer]", 0.0, zero),
        ("season[T.autumn]", 0.0, zero),
        ("season[T.winter]", p.season_winter, "CX shift in winter (seasonal effect)"),
        (
            "region[T.south]",
            0.0,
            zero + "; culture acts through expectations and the service slope",
        ),
        ("region[T.east]", 0.0, zero),
        ("region[T.west]", 0.0, zero),
        ("competition", 0.0, zero + "; competition moderates the price slope and return"),
        ("prior_expectation", 0.0, zero + "; it moderates the price slope"),
        (
            "personalised[T.True]",
            p.personalisation_uplift,
            "uplift of a personalised service interface (randomised visit by visit)",
        ),
        (
            "cx_lag",
            p.carryover,
            "carryover of CX(t-1); biased upwards without customer_effect, downwards with customer fixed effects in short panels (Nickell 1981)",
        ),
        ("customer_effect", 1.0, "the latent lasting customer effect enters CX one-for-one"),
    ]


def _cx_slope_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """CX equation: the determinant weights and their moderators."""
    zero = _ZERO
    return [
        ("social", p.social_weight, "social environment"),
        ("crowding", p.crowding_weight, "crowding for utilitarian shoppers, suburban, spring"),
        (
            "crowding:goal[T.hedonic]",
            p.crowding_x_hedonic,
            "added crowding slope for hedonic shoppers (sign flip)",
        ),
        (
            "service",
            p.service_weight - AGE_REFERENCE / 10 * p.service_x_age,
            f"service interface at age 0 (= service_weight - {AGE_REFERENCE / 10:g} * service_x_age; at age {AGE_REFERENCE} it is {p.service_weight:g})",
        ),
        ("age", 0.0, zero),
        (
            "service:age",
            p.service_x_age / 10,
            "added service slope per year of age (service_x_age / 10)",
        ),
        ("tech_readiness", 0.0, zero),
        (
            "service:tech_readiness",
            p.service_x_tech_readiness,
            "added service slope per SD of technology readiness",
        ),
        ("atmosphere", p.atmosphere_weight, "retail atmosphere in a discounter"),
        (
            "atmosphere:store_type[T.supermarket]",
            p.atmosphere_x_supermarket,
            "added atmosphere slope in a supermarket",
        ),
        (
            "atmosphere:store_type[T.department]",
            p.atmosphere_x_department,
            "added atmosphere slope in a department store",
        ),
        (
            "atmosphere:store_type[T.specialty]",
            p.atmosphere_x_specialty,
            "added atmosphere slope in a specialty store",
        ),
        (
            "price",
            p.price_weight,
            "perceived price in a good economy, average price consciousness",
        ),
        (
            "price:economy[T.poor]",
            p.price_x_poor_economy,
            "added price slope in a poor economy",
        ),
        ("price_consciousness", 0.0, zero),
        (
            "price:price_consciousness",
            p.price_x_price_consciousness,
            "added price slope per SD of price consciousness",
        ),
        (
            "channel",
            p.channel_weight,
            "alternative-channel experience, female single-channel customers",
        ),
        (
            "channel:multichannel[T.True]",
            p.channel_x_multichannel,
            "added channel slope for multichannel customers",
        ),
        (
            "channel:gender[T.male]",
            p.channel_x_male,
            "added channel slope for men (a teaching choice)",
        ),
        ("assortment", p.assortment_weight, "assortment at average task orientation"),
        ("task_orientation", 0.0, zero),
        (
            "assortment:task_orientation",
            p.assortment_x_task_orientation,
            "added assortment slope per SD of task orientation",
        ),
        ("brand", p.brand_weight, "retail brand"),
    ]


def _cx_situation_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """CX equation: the situation moderators added to the paths of Verhoef et al. (2009)."""
    return [
        (
            "crowding:location[T.city_centre]",
            p.crowding_x_city_centre,
            "location: added crowding slope in a city-centre store",
        ),
        (
            "crowding:location[T.mall]",
            p.crowding_x_mall,
            "location: added crowding slope in a mall",
        ),
        ("crowding:season[T.summer]", 0.0, _ZERO),
        ("crowding:season[T.autumn]", 0.0, _ZERO),
        (
            "crowding:season[T.winter]",
            p.crowding_x_winter,
            "season: added crowding slope in winter (crowds expected, minded less)",
        ),
        (
            "service:region[T.south]",
            p.service_x_south,
            "culture: added service slope in the south",
        ),
        ("service:region[T.east]", p.service_x_east, "culture: added service slope in the east"),
        ("service:region[T.west]", p.service_x_west, "culture: added service slope in the west"),
        (
            "price:competition",
            p.price_x_competition,
            "competition: added price slope per SD of competition intensity",
        ),
        (
            "price:prior_expectation",
            p.price_x_prior_expectation,
            "price-quality inference: added price slope per unit of prior expectation",
        ),
    ]


def _expectation_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """The true effects in the expectation equation: (term, value, description)."""
    return [
        ("Intercept", 0.0, "expectation intercept (north)"),
        (
            "region[T.south]",
            p.culture_expectation * REGION_EXPECTATION[1],
            "culture: expectation shift in the south",
        ),
        (
            "region[T.east]",
            p.culture_expectation * REGION_EXPECTATION[2],
            "culture: expectation shift in the east",
        ),
        (
            "region[T.west]",
            p.culture_expectation * REGION_EXPECTATION[3],
            "culture: expectation shift in the west",
        ),
        ("prior_expectation", 1.0, "the customer's prior expectation level enters one-for-one"),
        ("cx_lag", p.expectation_adaptation, "expectations adapt to the last experience"),
    ]


def _satisfaction_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """The true effects in satisfaction (ordered probit): (term, value, description)."""
    return [
        ("cx", p.satisfaction_cx, "latent satisfaction on CX"),
        (
            "disconfirmation",
            p.satisfaction_disconfirmation,
            "latent satisfaction on disconfirmation (Oliver 1980)",
        ),
        *_threshold_rows(p.satisfaction_cutpoints, 1),
    ]


def _likelihood_to_recommend_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """The true effects in likelihood to recommend (ordered probit): (term, value, description)."""
    return [
        ("cx", p.recommend_cx, "latent recommendation on CX"),
        (
            "disconfirmation",
            p.recommend_disconfirmation,
            "latent recommendation on disconfirmation",
        ),
        *_threshold_rows(p.recommend_cutpoints, 0),
    ]


def _repurchase_intention_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """The true effects in repurchase intention (ordered probit): (term, value, description)."""
    return [
        ("complained[T.True]", p.repurchase_complained, "after a complaint not recovered well"),
        (
            "recovered_well[T.True]",
            p.repurchase_recovered,
            "added effect of a good recovery; complained + recovered_well > 0 is the service recovery paradox",
        ),
        ("cx", p.repurchase_cx, "latent repurchase intention on CX"),
        (
            "disconfirmation",
            p.repurchase_disconfirmation,
            "latent repurchase intention on disconfirmation",
        ),
        *_threshold_rows(p.repurchase_cutpoints, 1),
    ]


def _returned_next_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """The true effects in returning next period (logit): (term, value, description)."""
    return [
        ("Intercept", p.return_intercept, "logit intercept of returning"),
        ("complained[T.True]", p.return_complained, "after a complaint not recovered well"),
        (
            "recovered_well[T.True]",
            p.return_recovered,
            "added effect of a good recovery (service recovery paradox when the sum with complained is > 0)",
        ),
        ("satisfaction", p.return_satisfaction, "satisfaction (1-7) at average competition"),
        ("competition", p.return_competition, "competition intensity"),
        (
            "satisfaction:competition",
            p.return_satisfaction_x_competition,
            "competition weakens the satisfaction-return link",
        ),
    ]


def _complained_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """The true effects in complaining (logit): (term, value, description)."""
    return [
        ("Intercept", p.complaint_intercept, "logit intercept of complaining"),
        (
            "disconfirmation",
            p.complaint_disconfirmation,
            "worse than expected, more complaints",
        ),
    ]


def _recovered_well_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """The true effects in a good recovery (logit, complainers only): (term, value, description)."""
    return [
        ("Intercept", p.recovery_intercept, "logit intercept of a good recovery"),
        ("service", p.recovery_service, "better service interface, better recovery"),
    ]


def _dwell_time_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """The true effects in log minutes in the store (OLS): (term, value, description)."""
    return [
        (
            "Intercept",
            p.dwell_log_intercept,
            "mean log minutes (utilitarian, average atmosphere), before rounding to 0.1 minute",
        ),
        ("goal[T.hedonic]", p.dwell_hedonic, "hedonic shoppers stay longer"),
        (
            "atmosphere",
            p.dwell_atmosphere,
            "a pleasant atmosphere lengthens the visit; its indirect effect on log spend "
            f"through time in store is dwell_atmosphere * spend_dwell = "
            f"{p.dwell_atmosphere * p.spend_dwell:.4g}",
        ),
    ]


def _spend_rows(p: RetailParams) -> list[tuple[str, float, str]]:
    """The true effects in log spend (OLS): (term, value, description)."""
    return [
        (
            "Intercept",
            p.spend_log_intercept - p.spend_dwell * math.log(DWELL_REFERENCE),
            "mean log spend (discounter, utilitarian) of a 1-minute visit (= spend_log_intercept"
            f" - spend_dwell * log({DWELL_REFERENCE:g})), before rounding to cents",
        ),
        ("goal[T.hedonic]", p.spend_hedonic, "hedonic shoppers spend more"),
        ("store_type[T.supermarket]", p.spend_supermarket, "log-spend shift, supermarket"),
        ("store_type[T.department]", p.spend_department, "log-spend shift, department store"),
        ("store_type[T.specialty]", p.spend_specialty, "log-spend shift, specialty store"),
        ("cx", p.spend_cx, "log-spend slope on CX"),
        (
            "np.log(dwell_time)",
            p.spend_dwell,
            "elasticity of spend with respect to minutes in the store",
        ),
    ]


#: Each outcome of the model, the specification that recovers it, and its true effects.
_TRUTH = (
    ("cx", _CX_SPEC, _cx_rows),
    ("expectation", _EXP_SPEC, _expectation_rows),
    ("satisfaction", _SAT_SPEC, _satisfaction_rows),
    ("likelihood_to_recommend", _REC_SPEC, _likelihood_to_recommend_rows),
    ("repurchase_intention", _REP_SPEC, _repurchase_intention_rows),
    ("returned_next", _RET_SPEC, _returned_next_rows),
    ("complained", _COMP_SPEC, _complained_rows),
    ("recovered_well", _RECOV_SPEC, _recovered_well_rows),
    ("dwell_time", _DWELL_SPEC, _dwell_time_rows),
    ("spend", _SPEND_SPEC, _spend_rows),
)


def truth(
    params: RetailParams | Mapping[str, Any] | None = None, *, outcome: str | None = None
) -> pd.DataFrame:
    """The true effects of the retail CX model as a tidy table.

    Parameters
    ----------
    params : RetailParams or mapping, optional
        The parameters the data were simulated with (default ``RetailParams()``).
    outcome : str, optional
        Keep only the rows of one outcome (``"cx"``, ``"expectation"``,
        ``"satisfaction"``, ``"likelihood_to_recommend"``, ``"repurchase_intention"``,
        ``"returned_next"``, ``"complained"``, ``"recovered_well"``, ``"dwell_time"``,
        ``"spend"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``outcome, term, estimate, estimator, specification, description``.
        ``term`` is spelled as statsmodels prints it for ``specification`` (e.g.
        ``crowding:goal[T.hedonic]``), so for one outcome
        ``fitted.merge(truth(outcome=...), on="term")`` lines estimates up with the
        truth. Effects that are zero in the model are listed with estimate 0.

    Notes
    -----
    The module docstring explains which specifications are consistent and which
    naive ones are biased (the lagged-CX bias with customer effects in short panels).

    Examples
    --------
    >>> t = truth(outcome="cx").set_index("term")["estimate"]
    >>> float(t["crowding"]), float(t["crowding"] + t["crowding:goal[T.hedonic]"])
    (-0.25, 0.2)
    >>> truth(outcome="complained")[["term", "estimate"]]
                  term  estimate
    0        Intercept      -2.6
    1  disconfirmation      -0.9
    """
    p = RetailParams.coerce(params)
    names = [name for name, _, _ in _TRUTH]
    if outcome is not None:
        if not isinstance(outcome, str):
            raise TypeError(f"outcome must be a string or None, got {outcome!r}.")
        if outcome not in names:
            raise ValueError(
                f"outcome must be one of {', '.join(names)} (or None), got {outcome!r}."
            )
    rows = [
        (name, term, float(est), spec[0], spec[1], desc)
        for name, spec, make_rows in _TRUTH
        if outcome in (None, name)
        for term, est, desc in make_rows(p)
    ]
    return pd.DataFrame(
        rows, columns=["outcome", "term", "estimate", "estimator", "specification", "description"]
    )


# ------------------------------------------------------- complaint prevention vs recovery


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _expected_complaint_outcomes(p: RetailParams, data: pd.DataFrame) -> dict[str, float]:
    """Expected complaint, recovery and return rates given each visit's experience.

    The complaint, recovery and return draws have streams of their own, so given the
    simulated experience (CX, disconfirmation, service, satisfaction, competition) the
    chance of each outcome is known exactly: this is the truth a lever changes.
    """
    d = data["disconfirmation"].to_numpy(float)
    service = data["service"].to_numpy(float)
    sat = data["satisfaction"].to_numpy(float)
    comp = data["competition"].to_numpy(float)
    p_complain = _expit(p.complaint_intercept + p.complaint_disconfirmation * d)
    p_recover = _expit(p.recovery_intercept + p.recovery_service * service)
    base = (
        p.return_intercept
        + p.return_competition * comp
        + (p.return_satisfaction + p.return_satisfaction_x_competition * comp) * sat
    )
    after_complaint = (1 - p_recover) * _expit(base + p.return_complained) + p_recover * _expit(
        base + p.return_complained + p.return_recovered
    )
    p_return = (1 - p_complain) * _expit(base) + p_complain * after_complaint
    return {
        "expected_complaint_rate": float(p_complain.mean()),
        "expected_recovery_rate": float((p_complain * p_recover).sum() / p_complain.sum()),
        "expected_return_rate": float(p_return.mean()),
    }


def complaint_levers(
    n_customers: int = 20_000,
    n_periods: int = 4,
    *,
    prevention: float = 0.5,
    recovery: float = 0.5,
    params: RetailParams | Mapping[str, Any] | None = None,
    n_stores: int = 20,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
) -> pd.DataFrame:
    """Compare preventing problems with recovering from them, on the same customers.

    Three scenarios are simulated from one seed: the ``baseline`` (``params``),
    ``prevention`` (``complaint_intercept`` lowered by ``prevention``: fewer visits end
    in a voiced problem) and ``recovery`` (``recovery_intercept`` raised by
    ``recovery``: more complaints are recovered well). Every other random stream is
    shared, so the customers, their experiences and their satisfaction are identical
    across the scenarios (common random numbers) and the differences are due to the
    lever alone.

    Parameters
    ----------
    n_customers, n_periods : int
        Size of each simulated panel (defaults: 20,000 customers x 4 quarters).
    prevention : float, default 0.5
        How much the logit of complaining is lowered (0 to 10); 0.5 cuts the odds of a
        problem by 39%.
    recovery : float, default 0.5
        How much the logit of a good recovery is raised (0 to 10).
    params : RetailParams or mapping, optional
        The baseline parameters (default ``RetailParams()``).
    n_stores : int, default 20
        Stores in the chain.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Source of randomness, shared by the three scenarios.

    Returns
    -------
    pandas.DataFrame
        One row per scenario: ``scenario``, the two lever parameters
        (``complaint_intercept``, ``recovery_intercept``), the observed
        ``complaint_rate``, ``recovery_rate`` (share of complaints recovered well) and
        ``return_rate``, their ``expected_...`` counterparts (the truth: the exact
        chance of each outcome given the simulated experiences, averaged over visits),
        ``return_change`` and ``expected_return_change`` (against the baseline) and
        ``std_error`` of ``return_change`` (visits are independent given their
        experience, so it is the SD of the visit-level differences / sqrt(n)), and
        ``n`` (visits).

    Notes
    -----
    A visit's chance of returning is ``(1 - c) * L(b) + c * [(1 - r) * L(b + k) +
    r * L(b + k + g)]`` with ``c`` the chance of a complaint, ``r`` of a good recovery,
    ``L`` the logistic function, ``b`` the return index given satisfaction and
    competition, ``k = return_complained`` and ``g = return_recovered``. Prevention
    lowers ``c``; recovery raises ``r``. Each avoided complaint changes the return
    index by ``-(k + r g)``: when the recovery paradox holds (``k + r g > 0``),
    preventing complaints *lowers* returns, and recovery is the better lever; with a
    weak recovery (``k + r g < 0``) prevention wins. The experience itself (CX) is the
    same in every scenario, so the comparison isolates what complaint handling adds;
    problems that also spoil the experience are modelled by lowering a determinant
    (``determinant_shift``). De Matos, Henrique & Rossi (2007) find the paradox for
    satisfaction, rarely for repurchase or loyalty: try ``return_recovered=0.3``.

    References
    ----------
    Fornell, C., & Wernerfelt, B. (1987). Defensive marketing strategy by customer
    complaint management: A theoretical analysis. *Journal of Marketing Research*,
    24(4), 337-346.

    Smith, A. K., Bolton, R. N., & Wagner, J. (1999). A model of customer satisfaction
    with service encounters involving failure and recovery. *Journal of Marketing
    Research*, 36(3), 356-372.

    Examples
    --------
    >>> levers = complaint_levers(2_000, 4, seed=1)
    >>> levers[["scenario", "expected_return_change"]].round(4)
         scenario  expected_return_change
    0    baseline                  0.0000
    1  prevention                 -0.0001
    2    recovery                  0.0017
    """
    p = RetailParams.coerce(params)
    prevention = v.check_number(prevention, "prevention", low=0, high=10)
    recovery = v.check_number(recovery, "recovery", low=0, high=10)
    root = v.seed_sequence(seed)
    scenarios = {
        "baseline": p,
        "prevention": dataclasses.replace(
            p, complaint_intercept=max(p.complaint_intercept - prevention, -20.0)
        ),
        "recovery": dataclasses.replace(
            p, recovery_intercept=min(p.recovery_intercept + recovery, 20.0)
        ),
    }
    rows, returned = [], {}
    for name, q in scenarios.items():
        data = simulate_panel(n_customers, n_periods, params=q, n_stores=n_stores, seed=root)
        returned[name] = data["returned_next"].to_numpy(float)
        complained = data["complained"].to_numpy()
        rows.append(
            {
                "scenario": name,
                "complaint_intercept": q.complaint_intercept,
                "recovery_intercept": q.recovery_intercept,
                "complaint_rate": float(complained.mean()),
                "recovery_rate": float(data["recovered_well"].to_numpy()[complained].mean())
                if complained.any()
                else float("nan"),
                "return_rate": float(returned[name].mean()),
                **_expected_complaint_outcomes(q, data),
            }
        )
    table = pd.DataFrame(rows)
    table["return_change"] = table["return_rate"] - table["return_rate"].iloc[0]
    table["expected_return_change"] = (
        table["expected_return_rate"] - table["expected_return_rate"].iloc[0]
    )
    n = len(returned["baseline"])
    table["std_error"] = [
        float(np.std(returned[name] - returned["baseline"], ddof=1) / math.sqrt(n))
        if n > 1
        else 0.0
        for name in scenarios
    ]
    table["n"] = n
    return table


# ---------------------------------------------------------------------------- the survey


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class SimulatedSurvey(Result):
    """What :func:`simulate_survey` returns: a simulated survey and its true measurement model.

    Attributes
    ----------
    table : pandas.DataFrame
        The true measurement model, one row per item (the same table as
        :attr:`loadings`), in the layout of the fitted tables of :func:`cxresearch.cfa`
        and :func:`cxresearch.pls`: ``term`` (``"service =~ service_1"``), ``lhs`` (the
        construct), ``op`` (``"=~"``), ``rhs`` (the item), ``loading`` (standardized)
        and ``error_variance``.
    data : pandas.DataFrame
        ``respondent_id`` (int32, from 1) and one int8 column per item, named
        ``<construct>_<j>``, on a 1..``scale_points`` scale.
    latent : pandas.DataFrame
        ``respondent_id`` and the true construct scores (float64, standard normal).
    loadings : pandas.DataFrame
        The same table as :attr:`table`.
    reliability : pandas.DataFrame
        One row per construct: ``construct, n_items, rho_c`` -- the true composite
        reliability ``(sum l)^2 / ((sum l)^2 + sum(1 - l^2))`` of the *continuous*
        responses (for tau-equivalent items it equals Cronbach's alpha). Cutting the
        responses into ``scale_points`` categories lowers the reliability a little.
    factor_correlation : pandas.DataFrame
        The true correlation matrix of the constructs.
    thresholds : tuple of float
        The cut-points of the standardised response for the Likert categories.
    non_invariance : pandas.DataFrame
        With ``regions``: one row per item measured differently in the last region,
        ``region, item, parameter`` (``"loading"`` or ``"intercept"``) and ``shift``;
        empty (no rows) when the scale is invariant across the regions.
    """

    data: pd.DataFrame
    latent: pd.DataFrame
    reliability: pd.DataFrame
    factor_correlation: pd.DataFrame
    thresholds: tuple
    #: With ``regions``: the items whose measurement differs in the last region
    #: (``region, item, parameter, shift``; empty when the scale is invariant).
    non_invariance: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)

    _title = "Simulated survey (true measurement model)"

    @property
    def loadings(self) -> pd.DataFrame:
        """The true loadings, one row per item (the same table as :attr:`table`)."""
        return self.table

    def _summary_facts(self) -> list[tuple[str, Any]]:
        return [
            ("respondents", len(self.data)),
            ("constructs", len(self.reliability)),
            ("items", len(self.table)),
            ("scale points", len(self.thresholds) + 1),
        ]

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("true loadings", self.table), ("true reliability", self.reliability)]


DEFAULT_CONSTRUCTS = ("service", "atmosphere", "assortment", "price", "satisfaction", "loyalty")


def _check_survey_sizes(
    n_respondents: Any,
    constructs: Any,
    items_per_construct: Any,
    scale_points: Any,
    loading_range: Any,
) -> tuple[int, list[str], dict[str, int], int, tuple[float, float]]:
    """The checked sizes of :func:`simulate_survey` (messages in ``_validate``'s style)."""
    n = v.check_integer(n_respondents, "n_respondents", low=1, high=10**8)
    if isinstance(constructs, str) or not isinstance(constructs, Sequence):
        raise TypeError(f"constructs must be a sequence of names, got {constructs!r}.")
    constructs = list(constructs)
    if not constructs:
        raise ValueError("constructs must name at least one construct, got [].")
    for c in constructs:
        if not isinstance(c, str) or not c.isidentifier():
            raise ValueError(
                f"constructs must hold names that are valid identifiers (e.g. 'service'), got {c!r}."
            )
    if len(set(constructs)) != len(constructs):
        raise ValueError(f"constructs must hold unique names, got {constructs!r} (duplicates).")
    if isinstance(items_per_construct, Mapping):
        missing = [c for c in constructs if c not in items_per_construct]
        extra = [c for c in items_per_construct if c not in constructs]
        if missing or extra:
            raise ValueError(
                f"items_per_construct must have the constructs {constructs} as keys; "
                f"missing {missing}, unknown {extra}."
            )
        n_items = {
            c: v.check_integer(
                items_per_construct[c], f"items_per_construct[{c!r}]", low=1, high=50
            )
            for c in constructs
        }
    else:
        k = v.check_integer(items_per_construct, "items_per_construct", low=1, high=50)
        n_items = dict.fromkeys(constructs, k)
    k_points = v.check_integer(scale_points, "scale_points", low=2, high=11)
    if (
        not isinstance(loading_range, tuple | list)
        or len(loading_range) != 2
        or not all(_is_real(x) for x in loading_range)
    ):
        raise TypeError(f"loading_range must be a pair of numbers, got {loading_range!r}.")
    lo, hi = (float(x) for x in loading_range)
    if not 0 < lo <= hi < 1:
        raise ValueError(f"loading_range must satisfy 0 < low <= high < 1, got {loading_range!r}.")
    return n, constructs, n_items, k_points, (lo, hi)


def simulate_survey(
    n_respondents: int,
    *,
    constructs: Sequence[str] = DEFAULT_CONSTRUCTS,
    items_per_construct: int | Mapping[str, int] = 4,
    scale_points: int = 7,
    loading_range: tuple[float, float] = (0.6, 0.9),
    factor_correlation: float = 0.4,
    skew: float = 0.5,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    regions: Sequence[str] | None = None,
    non_invariant: Mapping[str, Mapping[str, float]] | None = None,
) -> SimulatedSurvey:
    """Simulate Likert items from latent constructs through a measurement model.

    Parameters
    ----------
    n_respondents : int
        Number of respondents (>= 1).
    constructs : sequence of str
        Construct names (unique snake_case identifiers).
    items_per_construct : int or mapping of construct to int, default 4
        Number of items per construct (1-50).
    scale_points : int, default 7
        Number of answer categories (2-11); answers are 1..scale_points.
    loading_range : (float, float), default (0.6, 0.9)
        True standardised loadings are drawn uniformly from this range (within (0, 1)).
    factor_correlation : float, default 0.4
        Correlation between every pair of constructs (in [0, 1)).
    skew : float, default 0.5
        Shift of the thresholds towards the bottom of the scale, so that answers pile
        up at the top as satisfaction answers usually do (0 = symmetric).
    seed : int, numpy.random.Generator or None
        Source of randomness; the same int gives identical output.
    regions : sequence of str, optional
        Region names: ``data`` gets a ``region`` column, each respondent in a region
        drawn with equal probabilities (from a stream of its own: the items are those
        of the same call without ``regions``). Every region has the same constructs.
    non_invariant : mapping, optional
        Items measured differently in the *last* region (the scale is not invariant
        there): ``{"service_2": {"intercept": 0.8}}`` shifts the item's latent response
        by 0.8 standard deviations there (the same construct level gives higher
        answers), ``{"service_2": {"loading": -0.3}}`` changes its loading by -0.3
        (error variance unchanged). Needs ``regions``; the truth is ``non_invariance``.

    Returns
    -------
    SimulatedSurvey
        ``.data`` (the items), ``.latent``, ``.loadings``, ``.reliability``,
        ``.factor_correlation``, ``.thresholds`` and ``.non_invariance``.

    Notes
    -----
    Item *j* of construct *c* for respondent *i*: ``y*_ij = l_j f_ic + sqrt(1 - l_j^2)
    e_ij`` with ``f`` multivariate standard normal (equicorrelated) and ``e`` standard
    normal; the answer is ``1 + #(thresholds < y*_ij)``, with thresholds at the standard
    normal quantiles ``k / scale_points`` minus ``skew``. In the last region of
    ``regions``, a non-invariant item has ``y*_ij = (l_j + d) f_ic + sqrt(1 - l_j^2)
    e_ij`` (``"loading"``) or ``y*_ij + d`` (``"intercept"``).

    Examples
    --------
    >>> s = simulate_survey(200, constructs=["service", "loyalty"], items_per_construct=3, seed=1)
    >>> s.data.columns.tolist()
    ['respondent_id', 'service_1', 'service_2', 'service_3', 'loyalty_1', 'loyalty_2', 'loyalty_3']
    >>> s.reliability.round(3).to_dict("records")[0]
    {'construct': 'service', 'n_items': 3, 'rho_c': 0.864}

    A scale that is not invariant across regions (one intercept differs in the north):

    >>> s = simulate_survey(
    ...     400,
    ...     constructs=["service"],
    ...     seed=1,
    ...     regions=["south", "north"],
    ...     non_invariant={"service_2": {"intercept": 0.8}},
    ... )
    >>> s.data["region"].value_counts().sort_index().to_dict()
    {'north': 208, 'south': 192}
    >>> s.non_invariance.to_dict("records")
    [{'region': 'north', 'item': 'service_2', 'parameter': 'intercept', 'shift': 0.8}]
    """
    from scipy import stats

    n, constructs, n_items, k_points, (lo, hi) = _check_survey_sizes(
        n_respondents, constructs, items_per_construct, scale_points, loading_range
    )
    factor_correlation = v.check_number(
        factor_correlation, "factor_correlation", low=0, high=1, open_high=True
    )
    skew = v.check_number(skew, "skew", low=-3, high=3)
    root = v.seed_sequence(seed)
    region, shifts = _survey_regions(root, n, constructs, n_items, regions, non_invariant)

    m = len(constructs)
    corr = np.full((m, m), float(factor_correlation))
    np.fill_diagonal(corr, 1.0)
    chol = np.linalg.cholesky(corr)
    f = _stream(root, "factors").standard_normal((n, m)) @ chol.T
    rl = _stream(root, "loadings")
    thresholds = tuple(float(x) for x in stats.norm.ppf(np.arange(1, k_points) / k_points) - skew)
    cuts = np.asarray(thresholds)
    columns: dict[str, Any] = {"respondent_id": np.arange(1, n + 1, dtype=np.int32)}
    load_rows, rel_rows = [], []
    for ci, c in enumerate(constructs):
        lam = rl.uniform(lo, hi, size=n_items[c])
        noise = _stream(root, f"items_{c}").standard_normal((n, n_items[c]))
        ystar = f[:, [ci]] * lam + noise * np.sqrt(1 - lam**2)
        if region is not None:
            _shift_last_region(ystar, f[:, ci], c, region, shifts)
        answers = (np.searchsorted(cuts, ystar.ravel()).reshape(ystar.shape) + 1).astype(np.int8)
        for j in range(n_items[c]):
            item = f"{c}_{j + 1}"
            columns[item] = answers[:, j]
            load_rows.append(
                {  # the layout of every latent-model table: truth and fit merge on term
                    "term": f"{c} =~ {item}",
                    "lhs": c,
                    "op": "=~",
                    "rhs": item,
                    "loading": float(lam[j]),
                    "error_variance": float(1 - lam[j] ** 2),
                }
            )
        s = lam.sum()
        rel_rows.append(
            {
                "construct": c,
                "n_items": n_items[c],
                # the column name of cx.composite_reliability, so truth and fit merge
                "rho_c": float(s**2 / (s**2 + (1 - lam**2).sum())),
            }
        )
    if region is not None:
        columns["region"] = np.asarray(list(regions), dtype=object)[region]
    return SimulatedSurvey(
        data=pd.DataFrame(columns),
        latent=pd.DataFrame(
            {
                "respondent_id": columns["respondent_id"],
                **{c: f[:, i] for i, c in enumerate(constructs)},
            }
        ),
        table=pd.DataFrame(load_rows),
        reliability=pd.DataFrame(rel_rows),
        factor_correlation=pd.DataFrame(corr, index=constructs, columns=constructs),
        thresholds=thresholds,
        non_invariance=_non_invariance_table(regions, shifts),
    )


def _survey_regions(
    root: np.random.SeedSequence,
    n: int,
    constructs: list[str],
    n_items: dict[str, int],
    regions: Any,
    non_invariant: Any,
) -> tuple[np.ndarray | None, list[tuple[str, int, str, float]]]:
    """Each respondent's region index (None without ``regions``) and the checked shifts
    ``(construct, item index, parameter, shift, last region's index)``."""
    if regions is None:
        if non_invariant is not None:
            raise ValueError(
                "non_invariant: needs regions (e.g. regions=['south', 'north']); the "
                "items differ in the last region."
            )
        return None, []
    if isinstance(regions, str) or not isinstance(regions, Sequence):
        raise TypeError(f"regions must be a list of region names, got {regions!r}.")
    names = [str(r) for r in regions]
    if len(names) < 2 or len(set(names)) != len(names):
        raise ValueError(f"regions must hold two or more distinct names, got {list(regions)!r}.")
    items = {f"{c}_{j + 1}": (c, j) for c in constructs for j in range(n_items[c])}
    shifts = []
    if non_invariant is not None and not isinstance(non_invariant, Mapping):
        raise TypeError(
            f"non_invariant must map items to {{'loading' or 'intercept': shift}}, got "
            f"{non_invariant!r}."
        )
    for item, change in (non_invariant or {}).items():
        if item not in items:
            raise ValueError(
                f"non_invariant: {item!r} is no item of the survey; items: "
                f"{v.format_values(list(items), 8)}."
            )
        if not isinstance(change, Mapping) or not change:
            raise TypeError(
                f"non_invariant[{item!r}] must be like {{'intercept': 0.5}}, got {change!r}."
            )
        for parameter, shift in change.items():
            v.check_one_of(parameter, ("loading", "intercept"), f"non_invariant[{item!r}]")
            shift = v.check_number(shift, f"non_invariant[{item!r}][{parameter!r}]", low=-3, high=3)
            shifts.append((*items[item], parameter, float(shift), len(names) - 1))
    region = _stream(root, "regions").integers(len(names), size=n)
    return region, shifts


def _shift_last_region(
    ystar: np.ndarray, factor: np.ndarray, construct: str, region: Any, shifts: list
) -> None:
    """Apply the last region's loading and intercept shifts to ``ystar`` in place
    (``region``: each respondent's region index, the last region's being the largest
    that ``_survey_regions`` can draw, stored in ``shifts``' fifth field)."""
    for c, j, parameter, shift, last in shifts:
        if c != construct:
            continue
        rows = region == last
        ystar[rows, j] += shift * factor[rows] if parameter == "loading" else shift


def _non_invariance_table(regions: Any, shifts: list) -> pd.DataFrame:
    columns = ["region", "item", "parameter", "shift"]
    if regions is None:
        return pd.DataFrame(columns=columns)
    last = str(list(regions)[-1])
    rows = [(last, f"{c}_{j + 1}", parameter, shift) for c, j, parameter, shift, _ in shifts]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------------------- recovery
# A moderated mediation with a known answer (issue 21): service recovery effort X ->
# satisfaction with the recovery M -> loyalty Y, the X -> M path moderated by the
# customer's prior experience W (PROCESS model 7).

#: The defaults of :func:`simulate_recovery`'s ``params`` (see its docstring).
_RECOVERY_DEFAULTS: dict[str, float] = {
    "satisfaction_intercept": 4.0,
    "effort_on_satisfaction": 0.5,
    "prior_on_satisfaction": 0.4,
    "effort_x_prior": 0.25,
    "satisfaction_sd": 1.0,
    "loyalty_intercept": 1.0,
    "satisfaction_on_loyalty": 0.6,
    "effort_on_loyalty": 0.1,
    "loyalty_sd": 1.0,
}
_RECOVERY_PATH = "recovery_effort -> satisfaction -> loyalty"


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class SimulatedRecovery(Result):
    """What :func:`simulate_recovery` returns: the data and the true effects.

    Attributes
    ----------
    table : pandas.DataFrame
        The true effects in the layout of :attr:`cxresearch.ProcessResult.table`:
        ``component`` (``"direct"``, ``"indirect"``, ``"index"``), ``term`` (``"c'"``,
        ``"ind1"``, ``"moderated mediation"``), ``path``, ``moderator``, ``w`` (the
        prior experience the conditional indirect effect is evaluated at) and
        ``estimate``, so the truth lines up with a fit of model 7 row by row.
    data : pandas.DataFrame
        ``customer_id`` (int32, from 1), ``recovery_effort``, ``prior_experience``,
        ``satisfaction`` and ``loyalty`` (float64).
    coefficients : pandas.DataFrame
        The true coefficients of the two equations (``equation, term, estimate``), named
        as :attr:`cxresearch.ProcessResult.coefficients` names them.
    params : dict
        The parameters the data were simulated with (defaults and overrides).
    at : tuple of float
        The values of the prior experience in :attr:`table`.
    index_of_moderated_mediation : float
        ``effort_x_prior * satisfaction_on_loyalty``.
    """

    data: pd.DataFrame
    coefficients: pd.DataFrame
    params: dict
    at: tuple
    index_of_moderated_mediation: float

    _title = "Simulated service recovery (true moderated mediation)"

    def conditional_indirect(self, w: Any) -> np.ndarray:
        """The true conditional indirect effect of the recovery effort on loyalty through
        satisfaction at prior experience ``w`` (a number or an array):
        ``(effort_on_satisfaction + effort_x_prior * w) * satisfaction_on_loyalty``."""
        w = v.check_number_array(w, "w")
        p = self.params
        slope = p["effort_on_satisfaction"] + p["effort_x_prior"] * w
        return slope * p["satisfaction_on_loyalty"]

    def _summary_facts(self) -> list[tuple[str, Any]]:
        return [
            ("customers", len(self.data)),
            ("prior experience at", self.at),
            ("index of moderated mediation", self.index_of_moderated_mediation),
        ]

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("true effects", self.table), ("true coefficients", self.coefficients)]


def _recovery_params(params: Any) -> dict[str, float]:
    """The defaults updated with ``params``, checked (the standard deviations positive)."""
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of parameter values or None, got {params!r}.")
    unknown = [k for k in params if k not in _RECOVERY_DEFAULTS]
    if unknown:
        raise ValueError(
            f"params: unknown parameter(s) {v.format_values(unknown)}; the parameters are "
            f"{', '.join(_RECOVERY_DEFAULTS)}."
        )
    out = dict(_RECOVERY_DEFAULTS)
    for key, value in params.items():
        sd = key.endswith("_sd")
        out[key] = v.check_number(
            value, f"params[{key!r}]", low=0 if sd else -100, high=100, open_low=sd
        )
    return out


def _recovery_truth(p: Mapping[str, float], at: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The true effects (ProcessResult.table's layout) and coefficients."""
    b = p["satisfaction_on_loyalty"]
    rows = [("direct", "c'", "recovery_effort -> loyalty", None, np.nan, p["effort_on_loyalty"])]
    for w in at:
        ind = (p["effort_on_satisfaction"] + p["effort_x_prior"] * w) * b
        rows.append(("indirect", "ind1", _RECOVERY_PATH, None, float(w), ind))
    index = p["effort_x_prior"] * b
    rows.append(("index", "moderated mediation", _RECOVERY_PATH, "prior_experience", np.nan, index))
    columns = ["component", "term", "path", "moderator", "w", "estimate"]
    coefficients = pd.DataFrame(
        [
            ("satisfaction", "Intercept", p["satisfaction_intercept"]),
            ("satisfaction", "recovery_effort", p["effort_on_satisfaction"]),
            ("satisfaction", "prior_experience", p["prior_on_satisfaction"]),
            ("satisfaction", "recovery_effort:prior_experience", p["effort_x_prior"]),
            ("loyalty", "Intercept", p["loyalty_intercept"]),
            ("loyalty", "recovery_effort", p["effort_on_loyalty"]),
            ("loyalty", "satisfaction", b),
        ],
        columns=["equation", "term", "estimate"],
    )
    return pd.DataFrame(rows, columns=columns), coefficients


def simulate_recovery(
    n_customers: int,
    *,
    params: Mapping[str, float] | None = None,
    at: Sequence[float] = (-1.0, 0.0, 1.0),
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
) -> SimulatedRecovery:
    """Simulate a service recovery with a known moderated mediation (PROCESS model 7).

    Customers whose visit went wrong get a recovery effort of some strength (an
    apology, speed, compensation); the effort raises their satisfaction with how the
    problem was handled, and satisfaction raises loyalty. The effort works better for
    customers whose earlier experience with the store was good: prior experience
    moderates the first path (the effort -> satisfaction link), so the indirect effect
    of the effort on loyalty grows with it. Every effect is a parameter, and the
    conditional indirect effects and the index of moderated mediation are computed
    from the parameters (not estimated), so a fit can be checked against them.

    Parameters
    ----------
    n_customers : int
        Customers (one row each), 10 to 10**7.
    params : dict, optional
        Parameter values that replace the defaults: ``satisfaction_intercept`` (4),
        ``effort_on_satisfaction`` (0.5, the a path at average prior experience),
        ``prior_on_satisfaction`` (0.4), ``effort_x_prior`` (0.25, the added a path per
        SD of prior experience), ``satisfaction_sd`` (1), ``loyalty_intercept`` (1),
        ``satisfaction_on_loyalty`` (0.6, the b path), ``effort_on_loyalty`` (0.1, the
        direct path c') and ``loyalty_sd`` (1). Values lie between -100 and 100; the
        standard deviations are positive.
    at : sequence of float, default (-1, 0, 1)
        Values of the prior experience (in SDs from its mean) at which the table gives
        the true conditional indirect effects; pass the same values to
        :func:`cxresearch.conditional_process` as ``at={"prior_experience": at}``.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Source of randomness; the same int gives identical output.

    Returns
    -------
    SimulatedRecovery
        ``.table`` (the true effects), ``.data``, ``.coefficients``, ``.params``,
        ``.at``, ``.index_of_moderated_mediation`` and ``.conditional_indirect(w)``.

    Notes
    -----
    The recovery effort X and the prior experience W are independent standard normal
    (the effort is assigned at random, as in a field experiment), and::

        satisfaction = i_M + a1 X + a2 W + a3 X W + e_M,     e_M ~ N(0, satisfaction_sd^2)
        loyalty      = i_Y + c' X + b satisfaction + e_Y,    e_Y ~ N(0, loyalty_sd^2)

    The conditional indirect effect of X at W = w is ``(a1 + a3 w) b`` and the index of
    moderated mediation is ``a3 b`` (Hayes 2015). OLS of the two equations, as
    :func:`cxresearch.conditional_process` with ``model=7`` fits them, is consistent for
    every parameter. Each of the four columns has its own random stream.

    References
    ----------
    Hayes, A. F. (2015). An index and test of linear moderated mediation. *Multivariate
    Behavioral Research*, 50(1), 1-22.

    Smith, A. K., Bolton, R. N., & Wagner, J. (1999). A model of customer satisfaction
    with service encounters involving failure and recovery. *Journal of Marketing
    Research*, 36(3), 356-372.

    Examples
    --------
    >>> sim = simulate_recovery(500, seed=1)
    >>> sim.data.columns.tolist()
    ['customer_id', 'recovery_effort', 'prior_experience', 'satisfaction', 'loyalty']
    >>> sim.table[["component", "term", "w", "estimate"]]
      component                 term    w  estimate
    0    direct                   c'  NaN      0.10
    1  indirect                 ind1 -1.0      0.15
    2  indirect                 ind1  0.0      0.30
    3  indirect                 ind1  1.0      0.45
    4     index  moderated mediation  NaN      0.15
    >>> sim.conditional_indirect([-2, 2]).round(3)
    array([0. , 0.6])
    """
    n = v.check_integer(n_customers, "n_customers", low=10, high=10**7)
    p = _recovery_params(params)
    at_values = np.unique(v.check_number_array(at, "at", low=-10, high=10).ravel())
    if not at_values.size:
        raise ValueError(f"at must list at least one value of the prior experience, got {at!r}.")
    root = v.seed_sequence(seed)
    x = _stream(root, "recovery_effort").standard_normal(n)
    w = _stream(root, "prior_experience").standard_normal(n)
    a_slope = p["effort_on_satisfaction"] + p["effort_x_prior"] * w
    sat = p["satisfaction_intercept"] + a_slope * x + p["prior_on_satisfaction"] * w
    sat = sat + p["satisfaction_sd"] * _stream(root, "satisfaction").standard_normal(n)
    loyalty = p["loyalty_intercept"] + p["effort_on_loyalty"] * x
    loyalty = loyalty + p["satisfaction_on_loyalty"] * sat
    loyalty = loyalty + p["loyalty_sd"] * _stream(root, "loyalty").standard_normal(n)
    data = pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1, dtype=np.int32),
            "recovery_effort": x,
            "prior_experience": w,
            "satisfaction": sat,
            "loyalty": loyalty,
        }
    )
    table, coefficients = _recovery_truth(p, at_values)
    return SimulatedRecovery(
        table=table,
        data=data,
        coefficients=coefficients,
        params=p,
        at=tuple(float(a) for a in at_values),
        index_of_moderated_mediation=float(p["effort_x_prior"] * p["satisfaction_on_loyalty"]),
    )
