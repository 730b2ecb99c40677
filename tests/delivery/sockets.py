"""When has a local server read a request? /proc/net/tcp shows the bytes still queued per connection."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

PROC_TCP = Path("/proc/net/tcp")


def queues() -> dict[tuple[int, int], tuple[int, int]]:
    """(local port, remote port) -> (bytes sent but not acknowledged, bytes received but not read)."""
    table: dict[tuple[int, int], tuple[int, int]] = {}
    for line in PROC_TCP.read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, queue = fields[1], fields[2], fields[4]
        tx, rx = (int(part, 16) for part in queue.split(":"))
        table[(int(local.split(":")[1], 16), int(remote.split(":")[1], 16))] = (tx, rx)
    return table


def fully_read(server_port: int, client_ports: list[int]) -> bool:
    """Whether the server has read every byte the clients on `client_ports` sent it."""
    table = queues()
    for port in client_ports:
        client = table.get((port, server_port))
        server = table.get((server_port, port))
        if client is None or server is None or client[0] or server[1]:
            return False
    return True


def wait_until_read(server_port: int, unanswered: Callable[[], list[int]], timeout: float = 60.0) -> None:
    """Wait until the server has read the whole request of every client port still waiting for its answer."""
    deadline = time.monotonic() + timeout
    while not fully_read(server_port, unanswered()):
        if time.monotonic() > deadline:
            raise AssertionError(f"the server did not read the requests of ports {unanswered()}")
        time.sleep(0.01)
