"""What the tests share: the raw sample tables (real rows or their synthetic twin), the one scoring-home
builder, the fake API payloads of the dashboard tests and the transport that fakes the API with them
(every answer checked against the response model of the route it fakes), the homes built once per run
(`shared`) and the test tiers (`tiers`: the markers a test earns from what it runs).
The apps are started by `devtools.servers`, which the benchmarks use too."""
