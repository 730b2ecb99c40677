"""Tools the tests and the benchmarks share (neither imports the other): the apps started as subprocesses
on free loopback ports and waited for until ready, and a headless browser. Not part of the product."""
