"""Drive HTTP routes with wrk (C, one thread: it leaves the cores to the server) and read its figures.

Each phase gets a generated Lua script: pools of requests (method, path, JSON body) with a share each, one
picked at random per request, and a `done` hook printing one JSON line with the request count, errors
(non-2xx statuses, socket errors) and latency percentiles in microseconds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

LUA = """
local pools = {
%(pools)s
}
local raw = {}

function init(args)
  math.randomseed(0)
  for p, pool in ipairs(pools) do
    raw[p] = {}
    for i, spec in ipairs(pool[2]) do
      local headers = {}
      if spec[3] ~= nil then headers["Content-Type"] = "application/json" end
      raw[p][i] = wrk.format(spec[1], spec[2], headers, spec[3])
    end
  end
end

function request()
  local r = math.random()
  local p = 1
  while r > pools[p][1] and p < #pools do p = p + 1 end
  return raw[p][math.random(#raw[p])]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests":%%d,"duration_us":%%d,"status":%%d,"socket":%%d,"p50":%%d,"p95":%%d,"p99":%%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    body: str | None = None


@dataclass(frozen=True)
class WrkResult:
    """One phase: completed requests, failures (non-2xx or socket errors), seconds, latency ms."""

    requests: int
    failed: int
    seconds: float
    p50: float
    p95: float
    p99: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def succeeded(self) -> int:
        return self.requests - self.failed


def _long_string(text: str) -> str:
    """A Lua long string literal holding `text` verbatim."""
    level = 1
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def _lua_request(r: Req) -> str:
    body = "nil" if r.body is None else _long_string(r.body)
    return f"{_long_string(r.method)}, {_long_string(r.path)}, {body}"


def lua_script(pools: list[tuple[float, list[Req]]]) -> str:
    """The wrk script for pools of (share, requests); shares add up to 1."""
    rendered, cumulative = [], 0.0
    for share, requests in pools:
        cumulative += share
        specs = ",\n".join(f"  {{{_lua_request(r)}}}" for r in requests)
        rendered.append(f" {{{cumulative:.6f}, {{\n{specs}\n }}}}")
    return LUA % {"pools": ",\n".join(rendered)}


def run_wrk(
    port: int,
    pools: list[tuple[float, list[Req]]],
    connections: int,
    seconds: float,
) -> WrkResult:
    """Run wrk (one thread, `connections` keep-alive connections) for `seconds` against 127.0.0.1:port."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk not found: `make setup-test` installs it (Debian package wrk)")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "phase.lua"
        script.write_text(lua_script(pools))
        command = [wrk, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(script)]
        output = subprocess.run(
            [*command, f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True
        ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    return WrkResult(
        requests=figures["requests"],
        failed=figures["status"] + figures["socket"],
        seconds=figures["duration_us"] / 1e6,
        p50=figures["p50"] / 1000,
        p95=figures["p95"] / 1000,
        p99=figures["p99"] / 1000,
    )
