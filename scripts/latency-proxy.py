#!/usr/bin/env python3
"""A reverse proxy that adds a fixed delay to every request and counts requests by kind.

It stands between a BigQuery client and the emulator (or any HTTP server) to model one network
round trip per request and to show how many HTTP requests a load makes. Every request, whatever
its method, path, query, headers and body, is held for --delay-ms and then forwarded to the
upstream; the response comes back with its status, headers (hop-by-hop ones removed) and body,
buffered, with a Content-Length of its own. Listens on 127.0.0.1 only.

Control endpoints, neither delayed nor counted:

  GET  /__proxy/stats   {"requests": N, "by_kind": {"POST /bigquery/v2/projects/test/queries": n, ...}}
  POST /__proxy/reset   zeroes the counts; answers with the counts it dropped

A kind is the method and the path with ids replaced and the query string dropped, e.g.
"GET /bigquery/v2/projects/test/queries/{job}", "POST /bigquery/v2/projects/test/jobs/{job}/cancel",
"GET /bigquery/v2/projects/test/datasets/{d}/tables/{t}/data".

  python3 scripts/latency-proxy.py --port 19160 --upstream http://127.0.0.1:19150 --delay-ms 50
  curl -s http://127.0.0.1:19160/__proxy/stats

Python 3 standard library only. Exits with 0 on SIGTERM or SIGINT. Quiet unless --verbose, which
logs a line per request on stderr.
"""

import argparse
import http.client
import json
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONTROL_PREFIX = "/__proxy/"

# RFC 9110 section 7.6.1: meaningful for one connection only, never forwarded.
HOP_BY_HOP = frozenset(
    [
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    ]
)

# The segment after one of these names is an id; it is replaced by the placeholder in kinds.
ID_AFTER = {
    "jobs": "{job}",
    "queries": "{job}",
    "datasets": "{d}",
    "tables": "{t}",
    "routines": "{r}",
    "models": "{m}",
}


def request_kind(method, target):
    """METHOD and path, ids replaced by placeholders, without the query string."""
    path = urllib.parse.urlsplit(target).path
    segments = path.split("/")
    normalised = []
    previous = None
    for segment in segments:
        if previous in ID_AFTER and segment:
            normalised.append(ID_AFTER[previous])
            previous = None
        else:
            normalised.append(segment)
            previous = segment
    return method + " " + "/".join(normalised)


class Counts:
    """Requests forwarded, in total and by kind; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._total = 0
        self._by_kind = {}

    def add(self, kind):
        with self._lock:
            self._total += 1
            self._by_kind[kind] = self._by_kind.get(kind, 0) + 1

    def snapshot(self, reset=False):
        with self._lock:
            stats = {"requests": self._total, "by_kind": dict(sorted(self._by_kind.items()))}
            if reset:
                self._total = 0
                self._by_kind = {}
            return stats


class ProxyServer(ThreadingHTTPServer):
    """One thread per connection; the threads do not keep the process alive."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, upstream, delay_seconds, timeout_seconds, verbose):
        self.upstream = upstream
        self.delay_seconds = delay_seconds
        self.timeout_seconds = timeout_seconds
        self.verbose = verbose
        self.counts = Counts()
        super().__init__(address, ProxyHandler)


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "latency-proxy"

    # Every method goes through forward(); BaseHTTPRequestHandler looks up do_<METHOD>.
    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.handle_any
        raise AttributeError(name)

    def handle_any(self):
        if urllib.parse.urlsplit(self.path).path.startswith(CONTROL_PREFIX):
            self.control()
        else:
            self.forward()

    # --- control endpoints -------------------------------------------------------------------

    def control(self):
        self.read_body()
        path = urllib.parse.urlsplit(self.path).path
        if path == CONTROL_PREFIX + "stats" and self.command == "GET":
            self.send_json(200, self.server.counts.snapshot())
        elif path == CONTROL_PREFIX + "reset" and self.command == "POST":
            self.send_json(200, self.server.counts.snapshot(reset=True))
        else:
            self.send_json(404, {"error": "unknown control endpoint; GET /__proxy/stats or POST /__proxy/reset"})

    def send_json(self, status, payload):
        body = (json.dumps(payload) + "\n").encode("utf-8")
        self.send_response_only(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    # --- forwarding --------------------------------------------------------------------------

    def read_body(self):
        """The request body, de-chunked; None when the request has none."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = self.headers.get("Content-Length")
        if length is None:
            return None
        return self.rfile.read(int(length))

    def forward(self):
        started = time.monotonic()
        body = self.read_body()
        kind = request_kind(self.command, self.path)
        self.server.counts.add(kind)
        if self.server.delay_seconds > 0:
            time.sleep(self.server.delay_seconds)

        upstream = self.server.upstream
        connection_tokens = {
            token.strip().lower() for token in self.headers.get("Connection", "").split(",") if token.strip()
        }
        target = upstream.path.rstrip("/") + self.path
        connection_class = http.client.HTTPSConnection if upstream.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(upstream.hostname, upstream.port, timeout=self.server.timeout_seconds)
        try:
            connection.putrequest(self.command, target, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                lower = name.lower()
                if lower in HOP_BY_HOP or lower in connection_tokens or lower in ("host", "content-length"):
                    continue
                connection.putheader(name, value)
            connection.putheader("Host", upstream.netloc)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            payload = response.read()
            status, reason, headers = response.status, response.reason, response.getheaders()
        except (OSError, http.client.HTTPException) as e:
            message = "latency-proxy: upstream %s failed: %s" % (upstream.geturl(), e or type(e).__name__)
            self.send_json(502, {"error": {"code": 502, "message": message, "status": "UNAVAILABLE"}})
            self.log_verbose(kind, 502, started)
            return
        finally:
            connection.close()

        response_tokens = set()
        for name, value in headers:
            if name.lower() == "connection":
                response_tokens.update(token.strip().lower() for token in value.split(","))
        self.send_response_only(status, reason)
        for name, value in headers:
            lower = name.lower()
            if lower in HOP_BY_HOP or lower in response_tokens or lower == "content-length":
                continue
            self.send_header(name, value)
        no_body = self.command == "HEAD" or status in (204, 304) or 100 <= status < 200
        if not no_body:
            self.send_header("Content-Length", str(len(payload)))
        elif self.command == "HEAD":
            for name, value in headers:
                if name.lower() == "content-length":
                    self.send_header(name, value)
        self.end_headers()
        if not no_body:
            self.wfile.write(payload)
        self.log_verbose(kind, status, started)

    def log_verbose(self, kind, status, started):
        if self.server.verbose:
            sys.stderr.write(
                "latency-proxy: %s %s -> %d in %.0f ms\n"
                % (kind, self.path, status, (time.monotonic() - started) * 1000)
            )

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        if self.server.verbose:
            sys.stderr.write("latency-proxy: %s\n" % (format % args))

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK would add up to 40 ms to a response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True


def parse_upstream(text):
    url = urllib.parse.urlsplit(text)
    if url.scheme not in ("http", "https") or not url.hostname or url.query or url.fragment:
        raise argparse.ArgumentTypeError("must be an http(s) URL like http://127.0.0.1:9050; got '%s'" % text)
    if url.port is None:
        url = url._replace(netloc=url.netloc + (":443" if url.scheme == "https" else ":80"))
    return url


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="latency-proxy.py",
        description="A reverse proxy on 127.0.0.1 adding a fixed delay to every request and counting requests.",
    )
    parser.add_argument("--port", type=int, default=19160, help="port to listen on, on 127.0.0.1 (default 19160)")
    parser.add_argument(
        "--upstream", type=parse_upstream, default="http://127.0.0.1:9050",
        help="where requests go (default http://127.0.0.1:9050)",
    )
    parser.add_argument("--delay-ms", type=float, default=50.0, help="delay before forwarding a request (default 50)")
    parser.add_argument(
        "--upstream-timeout-s", type=float, default=600.0,
        help="longest wait for the upstream's answer, in seconds (default 600)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = parser.parse_args(argv)
    if isinstance(args.upstream, str):
        args.upstream = parse_upstream(args.upstream)
    if not 0 <= args.port <= 65535:
        parser.error("--port: must be between 0 and 65535; got '%d'" % args.port)
    if args.delay_ms < 0:
        parser.error("--delay-ms: must not be negative; got '%s'" % args.delay_ms)
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    server = ProxyServer(
        ("127.0.0.1", args.port), args.upstream, args.delay_ms / 1000.0, args.upstream_timeout_s, args.verbose
    )

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    if args.verbose:
        sys.stderr.write(
            "latency-proxy: 127.0.0.1:%d -> %s, %g ms a request\n"
            % (server.server_address[1], args.upstream.geturl(), args.delay_ms)
        )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
