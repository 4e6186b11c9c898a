"""cxresearch: customer experience (CX) research and teaching.

Import it as ``import cxresearch as cx``. Importing is cheap: the public functions
below are looked up lazily, so pandas, SciPy, statsmodels and matplotlib are only
imported when a function that needs them is first used.

Examples
--------
>>> import cxresearch as cx
>>> "load_dataset" in cx.__all__
True
"""

from __future__ import annotations

import importlib
from typing import Any

# The one source of the version: pyproject.toml reads it (hatch), CHANGELOG.md names it.
# Between releases it is the next release with ".dev0".
__version__ = "0.2.0.dev0"

# Public name -> submodule that defines it. Add a line here when a module gains a
# public function; tests/test_init.py checks that every entry resolves.
_LAZY: dict[str, str] = {
    # datasets
    "list_datasets": "datasets",
    "load_dataset": "datasets",
    "describe_dataset": "datasets",
    # survey: reading real survey files; reverse coding, scale scores, missing data
    "Survey": "survey",
    "ScaleScore": "survey",
    "MissingReport": "survey",
    "read_survey": "survey",
    "reverse_code": "survey",
    "scale_score": "survey",
    "missing_report": "survey",
    "as_codes": "survey",
    # results: the frozen objects functions return (``.table`` + numbers)
    "DriverResult": "models",
    "JohnsonNeymanResult": "models",
    "ImportanceResult": "keydrivers",
    "IPAResult": "keydrivers",
    "PenaltyRewardResult": "keydrivers",
    "MediationResult": "mediation",
    "ProcessResult": "process",
    "PLSResult": "latent",
    "PLSBootstrap": "latent",
    "PLSMGAResult": "latent",
    "PLScWarning": "latent",
    "PLSFitTest": "latent",
    "PLSPredictResult": "latent",
    "PLSIPMAResult": "latent",
    "MICOMResult": "latent",
    "CollinearityWarning": "models",
    "ConvergenceError": "errors",
    # metrics
    "nps": "metrics",
    "nps_test": "metrics",
    "nps_sample_size": "metrics",
    "csat": "metrics",
    "ces": "metrics",
    "top_box": "metrics",
    "top_box_test": "metrics",
    "csat_test": "metrics",
    "mean_test": "metrics",
    "likert_table": "metrics",
    # reliability
    "cronbach_alpha": "reliability",
    "item_statistics": "reliability",
    "factor_loadings": "reliability",
    "composite_reliability": "reliability",
    "ReverseKeyedWarning": "reliability",
    "ave": "reliability",
    "htmt": "reliability",
    "fornell_larcker": "reliability",
    "reliability_table": "reliability",
    # simulate
    "RetailParams": "simulate",
    "SimulatedSurvey": "simulate",
    "SimulatedRecovery": "simulate",  # issue 21
    "simulate_recovery": "simulate",  # issue 21
    "simulate_panel": "simulate",
    "simulate_survey": "simulate",
    "complaint_levers": "simulate",
    "truth": "simulate",
    "CX_FORMULA": "simulate",
    "DETERMINANTS": "simulate",
    # models
    "fit_drivers": "models",
    "interaction_predictions": "models",
    "compare_to_truth": "models",
    "center": "models",
    "simple_slopes": "models",
    "johnson_neyman": "models",
    # covariance-based CFA / SEM (semopy), published by latent next to PLS
    "cfa": "latent",
    "sem": "latent",
    "SEMResult": "latent",
    "SEMBootstrap": "latent",  # issue 23: SEMResult.bootstrap
    "invariance": "latent",
    "InvarianceResult": "latent",
    # mediation
    "mediation_analysis": "mediation",
    # process: conditional process analysis (the PROCESS models; moderated path models)
    "conditional_process": "process",
    # latent (PLS path models; the model syntax both families share)
    "pls": "latent",
    "pls_mga": "latent",
    "micom": "latent",
    "parse_model": "latent",
    "ModelSpec": "latent",
    # keydrivers
    "dominance_analysis": "keydrivers",
    "conditional_dominance": "keydrivers",
    "complete_dominance": "keydrivers",
    "relative_weights": "keydrivers",
    "importance_performance": "keydrivers",
    "penalty_reward": "keydrivers",
    # power
    "power_interaction": "power",
    "power_main_effect": "power",
    # studies: simulation studies over a grid, on joblib or a Dask cluster
    "simulation_study": "studies",
    "SimulationStudyResult": "studies",
    # journey
    "check_transition_matrix": "journey",
    "journey_states": "journey",
    "journey_transition_matrix": "journey",
    "fundamental_matrix": "journey",
    "expected_steps": "journey",
    "absorption_probabilities": "journey",
    "hitting_probabilities": "journey",
    "stationary_distribution": "journey",
    "simulate_journeys": "journey",
    "journey_metrics": "journey",
    "channel_switches": "journey",
    "simulate_consideration": "journey",
    "funnel_vs_journey": "journey",
    "peak_end": "journey",
    "example_journey": "journey",
    # value
    "assign_tiers": "value",
    "customer_pyramid": "value",
    "profit_concentration": "value",
    "tier_migration": "value",
    "lifecycle_funnel": "value",
    "project_customers": "value",
    "clv": "value",
    "simulate_clv": "value",
    "retention_vs_acquisition": "value",
    "cx_to_money": "value",
    "retention_and_spend": "value",
    "product_life_cycle": "value",
    # plots
    "plot_nps": "plots",
    "plot_likert": "plots",
    "plot_item_correlations": "plots",
    "plot_interaction": "plots",
    "plot_pls_slopes": "plots",
    "plot_pls_ipma": "plots",
    "plot_johnson_neyman": "plots",
    "plot_importance_performance": "plots",
    "plot_journey_map": "plots",
    "plot_consideration": "plots",
    "plot_pyramid": "plots",
    "plot_profit_concentration": "plots",
    "plot_life_cycle": "plots",
    "plot_retail_model": "plots",
    "plot_communication_flow": "plots",
    "use_course_style": "plots",
    # tables: numbers and tables for people, the same on every machine
    "format_p": "tables",
    "format_table": "tables",
    "agreement": "tables",
    # reporting: the `cxresearch report` command (module reporting; no clash with report)
    "report": "reporting",
    "Report": "reporting",
    "prepare_report": "reporting",
    "ReportData": "reporting",
}

# Names used through their module, not from the top level: constants (UPPER_CASE) and
# these. tests/test_init.py checks that every other name in a module's __all__ is above.
_SUBMODULE_ONLY: dict[str, tuple[str, ...]] = {
    "datasets": ("codebook", "codebook_markdown", "data_dir", "read_resource", "validate_frame"),
    "exercises": ("CheckResult", "check", "hint", "list_exercises", "question"),
    "widgets": (
        "moderator_explorer",
        "moderator_figure",
        "situation_explorer",
        "situation_figure",
    ),
    "reporting": ("main",),  # the `cxresearch` console command
}

# Submodules reachable as attributes (cx.exercises.check(...), cx.datasets.codebook()).
# No public name above may equal one of them: `import cxresearch.<module>` sets the
# attribute to the module and would hide a function of the same name.
_SUBMODULES = (
    "datasets",
    "errors",
    "exercises",
    "journey",
    "keydrivers",
    "latent",
    "mediation",
    "metrics",
    "models",
    "plots",
    "power",
    "process",
    "reliability",
    "reporting",
    "simulate",
    "studies",
    "survey",
    "tables",
    "value",
    "widgets",
)

__all__ = sorted([*_LAZY, *_SUBMODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        value = getattr(module, name)
        globals()[name] = value  # cache: later look-ups skip this function
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'cxresearch' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)  # public names only (not Any, annotations, importlib)
