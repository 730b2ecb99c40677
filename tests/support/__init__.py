"""What the tests share: the raw sample tables (real rows or their synthetic twin), the one scoring-home
builder, and the fake API payloads of the dashboard tests (checked against the API's response models).
The apps are started by `devtools.servers`, which the benchmarks use too."""
