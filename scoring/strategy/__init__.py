"""The decision strategy: policy rules before the score and a refer band after it (accept / refer / refuse),
as data (a YAML file), evaluated the same way on every path and simulated on past applications."""
