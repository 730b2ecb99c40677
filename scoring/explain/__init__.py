"""SHAP contributions, reason codes and reasons, score points, similar clients, counter-offers, recourse."""
