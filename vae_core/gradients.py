"""The gradient estimators and their views, under the name the README and earlier issues use.

The code lives in vae_core.maths: estimators (pathwise, score function), cost_functions,
variance and lotus, and in vae_core.inference: gradient_flow (it needs a VAE); this module
re-exports their public names.
"""

from .inference.gradient_flow import GradientFlow, GradientFlowComparison, gradient_flow
from .maths.cost_functions import COST_FUNCTIONS, CostFunction, cost_function, quadratic_single_sample_variances
from .maths.estimators import ESTIMATORS, pathwise_grad, score_function_grad
from .maths.lotus import LotusResult, lotus_running_means
from .maths.variance import EstimatorMoments, VarianceCurve, estimator_moments, variance_vs_num_samples

__all__ = [
    "pathwise_grad",
    "score_function_grad",
    "ESTIMATORS",
    "COST_FUNCTIONS",
    "CostFunction",
    "cost_function",
    "quadratic_single_sample_variances",
    "EstimatorMoments",
    "estimator_moments",
    "VarianceCurve",
    "variance_vs_num_samples",
    "LotusResult",
    "lotus_running_means",
    "GradientFlow",
    "GradientFlowComparison",
    "gradient_flow",
]
