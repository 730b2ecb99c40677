"""Container health check: `python -m healthcheck URL` exits 0 when URL answers HTTP 200 in time.

Standard library only (the slim images have no curl); any other answer, a refused connection or a timeout
prints one line and exits 1. Proxies are ignored: the URL is the container's own loopback.
"""

from __future__ import annotations

import http.client
import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 2.5  # below the Dockerfiles' HEALTHCHECK --timeout=3s
USAGE = "usage: python -m healthcheck URL"


def problem(url: str, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """None when `url` answers HTTP 200 within `timeout` seconds, else what went wrong."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except urllib.error.URLError as error:
        return f"unreachable ({error.reason})"
    except (OSError, ValueError, http.client.HTTPException) as error:
        return f"unreachable ({error or type(error).__name__})"
    return None if status == 200 else f"HTTP {status}"


def main(argv: list[str] | None = None) -> int:
    """Exit status of the check of the one URL in `argv` (default: the command line)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(USAGE, file=sys.stderr)
        return 1
    found = problem(args[0])
    if found is None:
        return 0
    print(f"unhealthy: {args[0]}: {found}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
