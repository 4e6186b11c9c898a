"""Worked solutions to the "Check it yourself" prompts of notebook 01-what-is-cx."""

from __future__ import annotations

import numpy as np
import pandas as pd
from _prompt import answer, collect, prompt

import cxresearch as cx

SARA = [
    ("friend mentions the gym", "before purchase", "indirect", "physical", True),
    ("online reviews", "before purchase", "indirect", "digital", True),
    ("gym website", "before purchase", "direct", "digital", True),
    ("trial visit", "before purchase", "direct", "physical", True),
    ("sign-up at the desk", "purchase", "direct", "physical", False),
    ("first class", "after purchase", "direct", "physical", True),
    ("app for booking classes", "after purchase", "direct", "digital", False),
    ("billing e-mail", "after purchase", "direct", "digital", True),
    ("news story about the chain", "after purchase", "indirect", "digital", True),
]
COLUMNS = ["touchpoint", "stage", "contact", "environment", "met_expectation"]


@prompt(
    "d4ee16de",
    check=lambda r: (
        r["after_indirect_before"] == 1
        and r["after_indirect_after"] == 2
        and r["n_cells_changed"] == 1
        and abs(r["digital_share_after"] - 0.6) < 1e-12
    ),
)
def add_a_social_media_touchpoint():
    """Add "gym posts a discount on social media" to Sara's touchpoints.

    **What to add.** ``("gym posts a discount on social media", "after purchase",
    "indirect", "digital", True)`` as a tenth row.

    **What comes out.** Only one cell of the stage × contact table changes: *after
    purchase × indirect* goes from 1 to 2 (with the margins: the after-purchase total
    from 4 to 5, the indirect total from 3 to 4, the grand total from 9 to 10). The
    share of digital touchpoints rises from 5/9 = 0.56 to 6/10 = 0.60.

    **Why.** A post the customer happens to see is contact she did not seek out, which
    is the sense of *indirect* in the notebook (Meyer & Schwager 2007 distinguish direct
    contact, which the customer initiates, from unplanned encounters with the brand).
    The prediction exercise is the point: each new touchpoint adds to exactly one cell,
    and the share moves towards 1 when a digital one is added.
    """
    before = pd.DataFrame(SARA, columns=COLUMNS)
    row = ("gym posts a discount on social media", "after purchase", "indirect", "digital", True)
    after = pd.DataFrame([*SARA, row], columns=COLUMNS)
    t0 = pd.crosstab(before["stage"], before["contact"])
    t1 = pd.crosstab(after["stage"], after["contact"])
    return {
        "after_indirect_before": int(t0.loc["after purchase", "indirect"]),
        "after_indirect_after": int(t1.loc["after purchase", "indirect"]),
        "n_cells_changed": int((t1 != t0).to_numpy().sum()),
        "digital_share_before": float((before["environment"] == "digital").mean()),
        "digital_share_after": float((after["environment"] == "digital").mean()),
    }


@prompt(
    "4c8c93e3",
    check=lambda r: (
        r["most_before_2000_is_experience_economy"] == 1
        and r["most_since_2000_is_management"] == 1
        and r["experience_economy_before_2000"] > r["management_since_2000"]
    ),
)
def works_per_strand():
    """Count the timeline's works per strand, before and after 2000.

    **What to run.** ``timeline["strand"].value_counts()``, and the same for
    ``timeline[timeline["year"] < 2000]`` and ``timeline[timeline["year"] >= 2000]``.

    **What comes out.** Of the 20 works, the experience-economy strand has 6, management
    4, critique and journey 3 each, consumer research and measurement 2 each. Before
    2000 the experience economy dominates (5 of 10 works: Toffler, Schulze, Pine &
    Gilmore twice, Jensen); from 2000 on, management leads (3 of 10), and measurement
    appears for the first time (2).

    **What it means.** The idea of experience came first from consumer research and the
    experience-economy writers (Holbrook & Hirschman 1982; Pine & Gilmore 1998); managing
    and measuring it is the later, practitioners' strand (Reichheld 2003; Meyer &
    Schwager 2007), which is what the rest of the course teaches.
    """
    timeline = cx.load_dataset("cx_timeline")
    before = timeline.loc[timeline["year"] < 2000, "strand"].value_counts()
    since = timeline.loc[timeline["year"] >= 2000, "strand"].value_counts()
    return {
        "n_works": len(timeline),
        "most_before_2000_is_experience_economy": int(before.idxmax() == "experience economy"),
        "most_since_2000_is_management": int(since.idxmax() == "management"),
        "experience_economy_before_2000": int(before["experience economy"]),
        "management_since_2000": int(since["management"]),
    }


@prompt("89b441cd")
def a_touchpoint_to_personalise():
    """A touchpoint of Sara's gym journey the gym could personalise, and the data it needs.

    **Example answer.** The *app for booking classes*: it could put the classes Sara
    books most often, at the times she usually comes, at the top of the list and remind
    her when a favourite class has free places. The data it needs are her booking
    history (class type, weekday, time), which the app already records.

    **Other good answers.** The *billing e-mail* (mention her plan's benefits she has
    not used yet; needs her contract and attendance data); the *first class* (an
    instructor who knows her goal from the sign-up form; needs the sign-up answers).
    Avoid touchpoints the gym does not control, such as the friend's recommendation or
    the news story: indirect contact cannot be personalised by the firm.

    **Why it matters.** Personalisation uses what the firm knows about one customer to
    adapt the service to her (Peppers & Rogers 1993 on one-to-one relationships); the
    notebook's point is that it needs customer data that the firm collects at other
    touchpoints, here at sign-up and in the app.
    """
    return answer(a_touchpoint_to_personalise)


@prompt(
    "4b372565",
    check=lambda r: (
        r["n_definitions"] == 12 and r["mention_profit"] == 0 and r["mention_staff"] <= 2
    ),
)
def an_eighth_idea():
    """Pick an eighth idea for the definitions table and count the definitions with it.

    **What to run.** ``definitions["definition"].str.contains("profit", case=False)``,
    summed; likewise for employees (``"employee|staff"``).

    **What comes out.** None of the twelve definitions mentions profit, and only one
    mentions staff or employees (none uses the word "employee"). So an eighth column
    "profit" would be empty, "employees" nearly so.

    **What it means.** The definitions describe the experience from the customer's side
    (touchpoints, emotions, the journey); the firm's side (the people who deliver it, the
    money it earns) is what notebook 10 adds. Counting by keyword is crude: a definition
    can mean employees without the word (for example "every interaction with the
    company"), so read the matches before trusting the count.
    """
    definitions = cx.load_dataset("cx_definitions")
    text = definitions["definition"]
    return {
        "n_definitions": len(definitions),
        "mention_profit": int(text.str.contains("profit", case=False).sum()),
        "mention_staff": int(text.str.contains("employee|staff", case=False).sum()),
    }


@prompt("96a64a5a")
def from_stage_3_to_stage_4():
    """What must a firm add to move from stage 3 to stage 4 of the maturity model?

    ``stages.loc[2, "description"]`` (stage 3, customer experience): on top of products
    and segments, the firm sees that customers must also feel good about every dealing
    with it, and manages the experience on purpose. ``stages.loc[3, "description"]``
    (stage 4, authenticity): products and services grow out of what the brand truly
    stands for and connect with customers and other stakeholders naturally and over the
    long run.

    **One sentence.** The firm must add a genuine identity: instead of designing pleasant
    experiences for their own sake, it lets everything it offers follow from what the
    brand really stands for, so that customers (and other stakeholders) find it
    credible over the long run.

    This is Gilmore & Pine's (2007) point: once staged experiences are everywhere,
    customers ask whether they are real, and only authenticity answers that.
    """
    return answer(from_stage_3_to_stage_4)


@prompt("6d5724d2")
def survey_without_telling_staff():
    """Which discipline does a firm neglect if it never tells staff the survey results?

    **Culture** first: its description asks for shared values, skills and rewards so that
    employees put customers first without being told, and staff cannot act on feedback
    they never see. (The dataset's example practice for culture is precisely "share
    customer feedback, good and bad, with all staff".) **Governance** suffers as well:
    without review routines in which touchpoint owners see and discuss the results, the
    measurement is not used to manage anything.

    **Measurement** itself is *not* neglected: the firm measures; it just stops there.
    The lesson is that the six disciplines work only together; measurement without
    culture and governance produces reports, not better experiences.
    """
    return answer(survey_without_telling_staff)


@prompt(
    "ef0efd2c",
    check=lambda r: r["share"] == 0.12 and r["share"] > r["bain_customers"] and r["ci_low"] > 0.08,
)
def a_firm_against_the_bain_survey():
    """A firm of 200 customers where 24 say they receive a superior experience.

    **What to compute.** 24 / 200 = 12%, against 8% of customers in the Bain survey
    (Allen et al. 2005). With ``cx.top_box``-style reasoning, the Wilson 95% interval
    of 12% from 200 answers is 8.2% to 17.2%.

    **Answer.** Better than the average firm: 12% against 8%, and even the lower end of
    the interval is (just) above 8%. It is still far from the 80% of firms that *believe*
    they deliver a superior experience: the firm should not mistake "better than
    average" for "superior" in its customers' eyes.

    **Caution.** The Bain figure comes from a different question and population, so the
    comparison is rough; with 200 answers the interval is about ±5 points wide, so
    this firm could not reliably be told apart from a firm at 9% or 10%.
    """
    low, high = _wilson(24, 200)
    return {"share": 24 / 200, "bain_customers": 0.08, "ci_low": low, "ci_high": high}


def _wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return float(centre - half), float(centre + half)


@prompt(
    "b9e8158f",
    check=lambda r: (
        r["firms_saying"] == r["firms_saying_both"]
        and 0.2 < r["customers_saying"] < 0.3
        and r["customers_saying_both"] < 0.1
        and r["claiming_agreed"] > 5 * r["claiming_agreed_both"]
    ),
)
def a_less_demanding_customer_bar():
    """Set ``optimism=0.94`` and ``customer_bar=1.0`` in ``delivery_gap``.

    **What comes out.** Compared with the "both" scenario (customer bar 1.99), the
    share of firms saying superior does not move (80.2%): it depends only on the
    managers' optimism. The share of customers saying superior triples, from 8.1% to
    24.1%, and the share of claiming firms whose customers mostly agree rises from 2.2%
    to 18.7%.

    **Why.** The customer bar is how good an experience must be to count as "superior"
    for a customer: with a bar of 1.0 (one SD above the average experience) about a
    quarter of experiences pass it; with 1.99, only 8%. The managers' claims are
    compared with the average rival, not with the customer's bar. The 80/8 gap of the
    Bain survey (Allen et al. 2005) can thus come from two separate sources, and this
    simulation shows how much each contributes.
    """
    rng = np.random.default_rng(2005)
    n_firms, n_customers = 500, 200
    quality = rng.normal(0, 1, n_firms)
    view_noise = rng.normal(0, 0.5, n_firms)
    felt = quality[:, None] + rng.normal(0, 1, (n_firms, n_customers))

    def delivery_gap(optimism, customer_bar):
        claims = quality + view_noise + optimism > 0
        agree = felt > customer_bar
        return claims.mean(), agree.mean(), (agree.mean(axis=1)[claims] > 0.5).mean()

    f, c, a = delivery_gap(0.94, 1.0)
    fb, cb, ab = delivery_gap(0.94, 1.99)
    return {
        "firms_saying": float(f),
        "customers_saying": float(c),
        "claiming_agreed": float(a),
        "firms_saying_both": float(fb),
        "customers_saying_both": float(cb),
        "claiming_agreed_both": float(ab),
    }


@prompt("ed77e7d5")
def the_people_questions():
    """The four audit questions about people, with one thing to look at for each.

    ``audit[audit["aspect"] == "people"]`` gives one row per step:

    1. *Define the current CRM processes* × people: who touches the customer today?
       Look at an organisation chart of customer-facing roles and how many customers
       each serves.
    2. *Determine how the relationship is perceived, inside and outside* × people: how
       do staff see the customer relationship? Look at an employee survey item such as
       "I know what our customers think of us", next to the customers' own ratings.
    3. *Design the ideal CRM solution* × people: which skills would the ideal solution
       need? Look at the training records against that list of skills.
    4. *Draw up a strategy to implement the recommendations* × people: who owns each
       change? Look for a named owner and a deadline per action in the plan.

    The audit starts from the firm's processes; notebook 07's journey map starts from
    the customer's steps. Both are needed (Payne & Frow 2005 give the process view of CRM, Lemon
    & Verhoef 2016 on journeys approach the same problem from the two sides).
    """
    return answer(the_people_questions)


@prompt(
    "fda7485c",
    check=lambda r: (
        r["loss_one_step_below"] == r["gain_one_step_above"] == 1.5
        and r["monotone"] == 0
        and r["loss_one_step_below_basic"] == 6 * r["gain_one_step_above_basic"]
    ),
)
def basic_becomes_symmetric():
    """Change the basic's value at performance 1 from 0.25 to 1.5.

    **What comes out.** One step below expectation still costs 1.5 points; one step above
    now gains 1.5 too. Around the expectation the attribute has become *symmetric*, a
    performance (one-dimensional) attribute in Kano's terms (Kano et al. 1984): gains and
    losses are equal, where the basic's shortfall counted six times its gain.

    **A catch.** The curve now reads -3, -1.5, 0, 1.5, 0.5: satisfaction *falls* from
    performance 1 to 2. No Kano category describes that; to keep a sensible
    performance attribute, change the value at 2 as well (to 3.0, continuing the line).
    Sketches like this are only as good as the numbers typed into them, which is why
    notebook 04 estimates the asymmetry from data (penalty-reward analysis).
    """
    basic = pd.Series([-3.0, -1.5, 0.0, 1.5, 0.5], index=[-2, -1, 0, 1, 2])
    original = pd.Series([-3.0, -1.5, 0.0, 0.25, 0.5], index=[-2, -1, 0, 1, 2])
    return {
        "loss_one_step_below": float(basic[0] - basic[-1]),
        "gain_one_step_above": float(basic[1] - basic[0]),
        "monotone": int(basic.is_monotonic_increasing),
        "loss_one_step_below_basic": float(original[0] - original[-1]),
        "gain_one_step_above_basic": float(original[1] - original[0]),
    }


@prompt("9f28b453")
def another_public_service():
    """The four columns for the users of another public service (a hospital).

    ================  ====================  =====================  ==========================
    group             journey stage         main kind of contact   course tool
    ================  ====================  =====================  ==========================
    future patients   before first visit    indirect               journey map (07)
    current patients  during treatment      direct                 satisfaction survey (02)
    former patients   after discharge       direct and indirect    recovery (06), NPS (02)
    ================  ====================  =====================  ==========================

    Future patients know the hospital from what relatives say, news and rankings
    (indirect); current patients meet it at admission, on the ward and at discharge
    (direct, many touchpoints); former patients get follow-up appointments and bills
    (direct) and talk to others about their stay (indirect, now as a source). Complaint
    handling matters after discharge, when mistakes come to light. For a tax office
    the stages would be "before filing", "filing", "after assessment (queries,
    appeals)"; for a university "applicants", "students", "alumni". The same three parts
    of CX (journey, touchpoints, environment; Lemon & Verhoef 2016) apply to any
    service.
    """
    return answer(another_public_service)


@prompt("d9b8005c")
def indirect_contact_in_the_tools():
    """Which kinds of data in ``cx_software["measures"]`` capture indirect contact?

    **Answer.** Social listening (ThoughtBuzz: "word of mouth, indirect contact"): what
    customers say about the firm to each other on social media, contact the firm did not
    initiate and does not control. That is the clearest case and the only one the table
    labels so.

    **Borderline.** Campaign response (Crowdstream) measures reactions to the firm's own
    targeted messages, which are planned contact the firm starts, so direct in the
    notebook's sense even though the customer did not seek it. Surveys, support tickets,
    in-app behaviour and customer databases all record direct contact.

    **What it means.** Almost all the data a firm collects comes from direct contact;
    the indirect part of the experience (reviews, word of mouth, news) needs different
    sources, and it matters most before purchase, when a prospect has no direct contact
    yet (Meyer & Schwager 2007).
    """
    return answer(indirect_contact_in_the_tools)


def _survey_policy(every, memory, n_customers=2_000, n_visits=20, cost=0.4, seed=55):
    """The notebook's survey-fatigue simulation (section 11.1)."""
    rng_survey = np.random.default_rng(seed)
    baseline = rng_survey.normal(7, 1, n_customers)
    annoyance = np.zeros(n_customers)
    felt, asked, answered = [], 0, 0
    for visit in range(1, n_visits + 1):
        felt.append(baseline - cost * annoyance + rng_survey.normal(0, 0.5, n_customers))
        if every and visit % every == 0:
            asked += n_customers
            answered += (rng_survey.random(n_customers) < 0.6 * np.exp(-0.5 * annoyance)).sum()
            annoyance += 1
        annoyance *= memory
    return np.mean(felt), answered / n_customers, (answered / asked if asked else np.nan)


@prompt(
    "92038038",
    check=lambda r: (
        r["change_every_visit_03"] > 0.3 * r["change_every_visit_07"]
        and r["change_every_visit_03"] < 0
        and r["rate_every_visit_03"] > 2 * r["rate_every_visit_07"] - 0.05
        and r["extra_answers_03"] > 4
    ),
)
def survey_fatigue_with_short_memory():
    """Set ``memory=0.3`` in ``survey_policy`` and compare the policies again.

    **What comes out.** A survey after every visit now lowers the experience by 0.16
    points instead of 0.78, the response rate stays at 49% (instead of falling to 24%),
    and asking at every visit instead of every second one adds 4.1 answers per customer
    (9.8 against 5.7; with ``memory=0.7`` it added 0.7). Every tenth visit costs
    almost nothing either way (-0.008).

    **Is it still a bad idea?** Much less clearly. It is still the policy that harms the
    experience most, but the harm is a fifth as large, and the extra surveys now buy
    real answers. Whether it pays depends on what an answer is worth against 0.16 points
    of experience on every visit.

    **Why.** ``memory`` is the share of annoyance that survives to the next visit: at
    0.3 it has almost gone by then, so it does not build up from survey to survey. The
    real lesson is that the conclusion of section 11.1 rests on a parameter the notebook
    invented; a firm would have to measure how fast survey fatigue fades (Porter,
    Whitcomb & Weitzer 2004 describe the fatigue) before deciding how often to ask.
    """
    out = {}
    for tag, memory in [("07", 0.7), ("03", 0.3)]:
        never, _, _ = _survey_policy(0, memory)
        every, answers_1, rate_1 = _survey_policy(1, memory)
        _, answers_2, _ = _survey_policy(2, memory)
        out[f"change_every_visit_{tag}"] = float(every - never)
        out[f"rate_every_visit_{tag}"] = float(rate_1)
        out[f"extra_answers_{tag}"] = float(answers_1 - answers_2)
    return out


PROMPTS = collect(globals())
