"""SHAP contributions, reasons in words, similar clients and counter-offers."""
