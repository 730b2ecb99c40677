"""Credit scoring on the Home Credit schema: data, features, modeling, explanations and drift."""
