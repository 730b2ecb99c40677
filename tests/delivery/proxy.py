"""A TCP proxy in front of the test PostgreSQL server that can make the database hang or go away.

`forward()`: bytes flow both ways. `hang()`: connections are still accepted but nothing is answered, and the
open ones freeze (what a stuck server or a black-holed network looks like). `refuse()`: nothing listens on
the port (connections refused) and open connections are cut, as when the server is down.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from devtools.servers import free_port

FORWARD, HANG, REFUSE = "forward", "hang", "refuse"


class Proxy:
    """127.0.0.1:<port> → 127.0.0.1:<target_port>, in the mode last set."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.mode = FORWARD
        self._flowing = threading.Event()
        self._flowing.set()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._listen()

    @property
    def url_host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            with self._lock:
                self._sockets.append(client)
            if self.mode == HANG:
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                self._flowing.wait()  # frozen while hung
                if self.mode == REFUSE:
                    break
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def forward(self) -> None:
        self.mode = FORWARD
        if self._listener is None:
            self._listen()
        self._flowing.set()

    def hang(self) -> None:
        self.mode = HANG
        self._flowing.clear()

    def refuse(self) -> None:
        self.mode = REFUSE
        self._flowing.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            self._listener.close()
            self._listener = None
        self._cut()

    def _cut(self) -> None:
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def close(self) -> None:
        self.refuse()
