#!/usr/bin/env python3
"""A reverse proxy that adds a fixed delay to every request and counts requests by kind.

It stands between a BigQuery client and the emulator (or any HTTP server) to model one network
round trip per request and to show how many HTTP requests a load makes. Every request, whatever
its method, path, query, headers and body, is held for --delay-ms and then forwarded to the
upstream; the response comes back with its status, headers (hop-by-hop ones removed) and body,
buffered, with a Content-Length of its own. Listens on 127.0.0.1 only.

With --async-jobs it also models BigQuery's asynchronous jobs.query, which the emulator does not
have (it runs every query to the end inside jobs.query):

  - jobs.query (POST .../queries, not a dry run) starts a job with an id of the proxy's own
    ("proxy_..."), in the request's project and location (--location, default US, when the
    request names none), which sends the request to the upstream in the background. The answer
    is held until the job is done or the request's timeoutMs (BigQuery's 10 s when absent) has
    passed, at most --max-hold-ms: done, it is the upstream's answer (its rows) with the job's
    reference; otherwise {"jobComplete": false} with the job's reference. Every answer about a
    job carries its reference: the proxy's job id, its project and location.
  - Reads of a job (getQueryResults, jobs.get, jobs.cancel) name it by project, id and location
    as BigQuery does: another project in the path, another location parameter, or no location
    for a job outside the US and EU multi-regions answers 404 notFound ("Not found: Job ...").
  - jobs.getQueryResults (GET .../queries/JOB) of such a job long-polls it: held until the job is
    done or the request's timeoutMs has passed; then {"jobComplete": false}, or the job's error,
    or a page of the upstream's answer, served from the proxy's memory as BigQuery serves a
    finished job's result (not asked of the upstream again: the emulator re-reads a job's result
    slowly): maxResults rows from the pageToken or startIndex, the next page's token being the
    next row's index, as the emulator pages.
  - jobs.get (GET .../jobs/JOB) answers the job: RUNNING, or DONE with its error, or DONE with
    the bytes the upstream processed and a destination table of the proxy's (dataset
    "_proxy_results", table JOB), which tabledata.list (GET .../datasets/_proxy_results/tables/JOB/
    data) pages from the upstream's answer (maxResults, pageToken or startIndex): the official
    clients read a finished job's rows from its destination table.
  - jobs.cancel (POST .../jobs/JOB/cancel) stops the job: every later read answers HTTP 400
    "stopped", "Job execution was cancelled: User requested cancellation" (the upstream's run
    goes on, ignored).
  - jobTimeoutMs of the jobs.query body is enforced: a job not done by then fails the same way,
    with "Job execution was cancelled: Job timed out after N ms" (reason "timeout").
  - --min-job-ms makes every job last at least that long from its jobs.query, to model a query
    of a given duration on a fast engine.
  - A failed upstream answer (an HTTP error) is the job's error, answered on every read of it.

What it does not model (the tests on the Java fake cover what matters of it):

  - Where a job runs: the upstream runs every query whatever location it is sent; the proxy
    only echoes the request's location (or --location). BigQuery would run the job where its
    dataset is, find it from the table when the request names no location, and fail notFound
    when the request names another one.
  - requestId: every jobs.query starts a new job, as BigQuery may for a read-only query (its
    deduplication by requestId is documented for mutating queries).
  - jobCreationMode (every query gets a job), dry runs (forwarded: the upstream runs them),
    warnings in a successful answer's errors[], transient errors (5xx, rate limits, a notFound
    for a moment after a job is created), the 10 MB answer limit and paging of jobs.query, and
    statistics beyond bytes processed (billed bytes are the bytes processed; no slot time).
  - A cancel or jobTimeoutMs stops the proxy's job only: the upstream's run goes on, ignored.

Control endpoints, neither delayed nor counted:

  GET  /__proxy/stats   {"requests": N, "by_kind": {"POST /bigquery/v2/projects/test/queries": n, ...}}
  POST /__proxy/reset   zeroes the counts; answers with the counts it dropped
  GET  /__proxy/jobs    the asynchronous jobs, oldest first: {"jobs": [{"id", "state" (RUNNING or
                        DONE), "outcome" (running, succeeded, failed, cancelled, timed_out),
                        "created_ms", "done_ms", "cancel_requested_ms" (epoch milliseconds or
                        null), "upstream_job_id"}]}

A kind is the method and the path with ids replaced and the query string dropped, e.g.
"GET /bigquery/v2/projects/test/queries/{job}", "POST /bigquery/v2/projects/test/jobs/{job}/cancel",
"GET /bigquery/v2/projects/test/datasets/{d}/tables/{t}/data".

  python3 scripts/latency-proxy.py --port 19160 --upstream http://127.0.0.1:19150 --delay-ms 50
  python3 scripts/latency-proxy.py --port 19160 --upstream http://127.0.0.1:19150 --async-jobs --location EU
  python3 scripts/latency-proxy.py --port 19160 --upstream http://127.0.0.1:19150 --async-jobs --max-hold-ms 200
  curl -s http://127.0.0.1:19160/__proxy/stats

Python 3 standard library only. Exits with 0 on SIGTERM or SIGINT. Quiet unless --verbose, which
logs a line per request on stderr.
"""

import argparse
import gzip
import http.client
import json
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
import uuid
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


# Paths of the calls the asynchronous model answers; group 1 is the project, group 2 the job.
QUERIES_PATH = re.compile(r"^/bigquery/v2/projects/([^/]+)/queries$")
RESULTS_PATH = re.compile(r"^/bigquery/v2/projects/([^/]+)/queries/([^/]+)$")
JOB_PATH = re.compile(r"^/bigquery/v2/projects/([^/]+)/jobs/([^/]+)$")
CANCEL_PATH = re.compile(r"^/bigquery/v2/projects/([^/]+)/jobs/([^/]+)/cancel$")
RESULTS_DATASET = "_proxy_results"
TABLE_DATA_PATH = re.compile(r"^/bigquery/v2/projects/([^/]+)/datasets/" + RESULTS_DATASET + r"/tables/([^/]+)/data$")

DEFAULT_WAIT_MS = 10000  # BigQuery's timeoutMs when a request gives none

# Locations whose jobs BigQuery finds without a location parameter.
MULTI_REGIONS = frozenset(["US", "EU"])


def error_body(code, reason, message):
    """An error answer as BigQuery sends it."""
    return {
        "error": {
            "code": code,
            "message": message,
            "errors": [{"message": message, "domain": "global", "reason": reason}],
            "status": "INVALID_ARGUMENT" if code == 400 else "UNKNOWN",
        }
    }


def now_ms():
    return int(time.time() * 1000)


class Job:
    """One asynchronous query job of the proxy; its fields are guarded by Jobs' lock."""

    def __init__(self, job_id, project, location, job_timeout_ms, query):
        self.id = job_id
        self.query = query
        self.project = project
        self.location = location
        self.job_timeout_ms = job_timeout_ms
        self.created = time.monotonic()
        self.created_ms = now_ms()
        self.done_ms = None
        self.cancel_requested_ms = None
        self.outcome = "running"
        # Set when done: ("answer", status, headers, body bytes) or ("error", status, payload dict).
        self.result = None
        self.upstream_job_id = None
        self.parsed = None  # the upstream's answer, parsed on first need
        self.referenced = None  # the upstream's answer with the job's reference, on first need

    def reference(self):
        return {"projectId": self.project, "jobId": self.id, "location": self.location}

    def answer(self):
        """The upstream's answer of a job that succeeded, parsed once."""
        if self.parsed is None:
            self.parsed = json.loads(self.result[3])
        return self.parsed

    def answer_bytes(self):
        """The upstream's answer of a job that succeeded with the job's reference, encoded once."""
        if self.referenced is None:
            answer = dict(self.answer())
            answer["jobReference"] = self.reference()
            self.referenced = json.dumps(answer).encode("utf-8")
        return self.referenced

    def not_found(self, project, location):
        """The notFound error of a read naming this job in {project} and {location} (None: no parameter),
        or None when BigQuery would find the job so named."""
        if project == self.project:
            if location is None and self.location.upper() in MULTI_REGIONS:
                return None
            if location is not None and location.upper() == self.location.upper():
                return None
        return error_body(404, "notFound", "Not found: Job %s:%s.%s" % (project, location or "US", self.id))

    def describe(self):
        return {
            "id": self.id,
            "state": "RUNNING" if self.result is None else "DONE",
            "outcome": self.outcome,
            "created_ms": self.created_ms,
            "done_ms": self.done_ms,
            "cancel_requested_ms": self.cancel_requested_ms,
            "upstream_job_id": self.upstream_job_id,
        }


class Jobs:
    """The asynchronous jobs; thread-safe. A job is done when its result is set, once."""

    def __init__(self, min_job_seconds):
        self.min_job_seconds = min_job_seconds
        self._lock = threading.Condition()
        self._jobs = {}

    def create(self, project, location, job_timeout_ms, query):
        job = Job("proxy_" + uuid.uuid4().hex, project, location, job_timeout_ms, query)
        with self._lock:
            self._jobs[job.id] = job
        if job_timeout_ms is not None:
            timer = threading.Timer(job_timeout_ms / 1000.0, self._time_out, args=(job,))
            timer.daemon = True
            timer.start()
        return job

    def get(self, job_id):
        with self._lock:
            return self._jobs.get(job_id)

    def finish(self, job, outcome, result, upstream_job_id=None):
        """Sets the job's result unless it has one; wakes the waiters. Returns whether it was set."""
        with self._lock:
            if job.result is not None:
                return False
            job.result = result
            job.outcome = outcome
            job.upstream_job_id = upstream_job_id
            job.done_ms = now_ms()
            self._lock.notify_all()
            return True

    def cancel(self, job):
        with self._lock:
            if job.cancel_requested_ms is None:
                job.cancel_requested_ms = now_ms()
        message = "Job execution was cancelled: User requested cancellation"
        self.finish(job, "cancelled", ("error", 400, error_body(400, "stopped", message)))

    def _time_out(self, job):
        message = "Job execution was cancelled: Job timed out after %d ms" % job.job_timeout_ms
        self.finish(job, "timed_out", ("error", 400, error_body(400, "timeout", message)))

    def wait(self, job, seconds):
        """Waits until the job is done or the time has passed; returns its result or None."""
        end = time.monotonic() + max(0.0, seconds)
        with self._lock:
            while job.result is None:
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self._lock.wait(left)
            return job.result

    def describe(self):
        with self._lock:
            return {"jobs": [job.describe() for job in sorted(self._jobs.values(), key=lambda j: j.created)]}


class ProxyServer(ThreadingHTTPServer):
    """One thread per connection; the threads do not keep the process alive."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, upstream, delay_seconds, timeout_seconds, verbose, async_jobs=False,
                 max_hold_seconds=None, min_job_seconds=0.0, location="US"):
        self.upstream = upstream
        self.delay_seconds = delay_seconds
        self.timeout_seconds = timeout_seconds
        self.verbose = verbose
        self.counts = Counts()
        self.jobs = Jobs(min_job_seconds) if async_jobs else None
        self.max_hold_seconds = max_hold_seconds
        self.location = location
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
        elif path == CONTROL_PREFIX + "jobs" and self.command == "GET":
            self.send_json(200, self.server.jobs.describe() if self.server.jobs else {"jobs": []})
        else:
            self.send_json(404, {"error": "unknown control endpoint; GET /__proxy/stats, POST /__proxy/reset"
                                          " or GET /__proxy/jobs"})

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
        if self.server.jobs is not None and self.answer_async(body, kind, started):
            return
        try:
            status, reason, headers, payload = self.exchange(self.command, self.path, self.headers, body)
        except (OSError, http.client.HTTPException) as e:
            upstream = self.server.upstream
            message = "latency-proxy: upstream %s failed: %s" % (upstream.geturl(), e or type(e).__name__)
            self.send_json(502, {"error": {"code": 502, "message": message, "status": "UNAVAILABLE"}})
            self.log_verbose(kind, 502, started)
            return
        self.send_upstream(status, reason, headers, payload)
        self.log_verbose(kind, status, started)

    def exchange(self, method, target_path, request_headers, body, identity=False):
        """Sends one request to the upstream; returns its status, reason, headers and body.

        With identity, asks for an unencoded answer (the asynchronous model reads and rewrites it).
        """
        upstream = self.server.upstream
        connection_tokens = {
            token.strip().lower() for token in request_headers.get("Connection", "").split(",") if token.strip()
        }
        target = upstream.path.rstrip("/") + target_path
        connection_class = http.client.HTTPSConnection if upstream.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(upstream.hostname, upstream.port, timeout=self.server.timeout_seconds)
        try:
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in request_headers.items():
                lower = name.lower()
                if lower in HOP_BY_HOP or lower in connection_tokens or lower in ("host", "content-length"):
                    continue
                if identity and lower == "accept-encoding":
                    continue
                connection.putheader(name, value)
            connection.putheader("Host", upstream.netloc)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            payload = response.read()
            return response.status, response.reason, response.getheaders(), payload
        finally:
            connection.close()

    def send_upstream(self, status, reason, headers, payload):
        """Sends an upstream's answer on: its status, headers (hop-by-hop ones removed) and body."""
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

    # --- the asynchronous model (--async-jobs) -----------------------------------------------

    def answer_async(self, body, kind, started):
        """Answers a call of the asynchronous model; False when the request is not one (forward it)."""
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        jobs = self.server.jobs
        match = QUERIES_PATH.match(url.path)
        if match and self.command == "POST":
            return self.start_query(match.group(1), body, kind, started)
        location = query.get("location", [None])[0]
        match = CANCEL_PATH.match(url.path)
        job = jobs.get(match.group(2)) if match else None
        if job is not None and self.command == "POST":
            if self.refused(job, match.group(1), location, kind, started):
                return True
            jobs.cancel(job)
            self.send_json(200, {"kind": "bigquery#jobCancelResponse",
                                 "job": {"jobReference": job.reference(), "status": {"state": "DONE"}}})
            self.log_verbose(kind, 200, started)
            return True
        match = RESULTS_PATH.match(url.path)
        job = jobs.get(match.group(2)) if match else None
        if job is not None and self.command == "GET":
            if self.refused(job, match.group(1), location, kind, started):
                return True
            result = jobs.wait(job, wait_seconds(query.get("timeoutMs", [None])[0]))
            if result is None:
                self.send_json(200, {"kind": "bigquery#getQueryResultsResponse", "jobComplete": False,
                                     "jobReference": job.reference()})
                self.log_verbose(kind, 200, started)
            elif result[0] == "error":
                self.send_json(result[1], result[2])
                self.log_verbose(kind, result[1], started)
            elif not any(query.get(name) for name in ("pageToken", "startIndex", "maxResults")):
                # The whole result: the upstream's answer with the job's reference.
                self.send_upstream(200, "OK", result[2], job.answer_bytes())
                self.log_verbose(kind, 200, started)
            else:
                self.send_json(200, self.results_page(job, query))
                self.log_verbose(kind, 200, started)
            return True
        match = JOB_PATH.match(url.path)
        job = jobs.get(match.group(2)) if match else None
        if job is not None and self.command == "GET":
            if self.refused(job, match.group(1), location, kind, started):
                return True
            self.send_json(200, self.job_resource(job))
            self.log_verbose(kind, 200, started)
            return True
        match = TABLE_DATA_PATH.match(url.path)
        job = jobs.get(match.group(2)) if match else None
        if job is not None and self.command == "GET" and job.result is not None and job.result[0] == "answer":
            self.send_json(200, self.table_data(job, query))
            self.log_verbose(kind, 200, started)
            return True
        return False

    def refused(self, job, project, location, kind, started):
        """Answers notFound, and returns True, when a read names the job in another project or location."""
        error = job.not_found(project, location)
        if error is None:
            return False
        self.send_json(404, error)
        self.log_verbose(kind, 404, started)
        return True

    @staticmethod
    def job_resource(job):
        """The job as jobs.get answers it."""
        result = job.result
        resource = {"kind": "bigquery#job", "id": "%s:%s.%s" % (job.project, job.location, job.id),
                    "jobReference": job.reference(), "configuration": {"jobType": "QUERY", "query": dict(job.query)},
                    "statistics": {"creationTime": str(job.created_ms), "startTime": str(job.created_ms)}}
        if result is None:
            resource["status"] = {"state": "RUNNING"}
        elif result[0] == "error":
            errors = result[2]["error"]["errors"]
            resource["status"] = {"state": "DONE", "errorResult": errors[0], "errors": errors}
            resource["statistics"]["endTime"] = str(job.done_ms)
        else:
            answer = job.answer()
            processed = str(answer.get("totalBytesProcessed", "0"))
            resource["status"] = {"state": "DONE"}
            resource["configuration"]["query"]["destinationTable"] = {
                "projectId": job.project, "datasetId": RESULTS_DATASET, "tableId": job.id}
            resource["statistics"].update({
                "endTime": str(job.done_ms), "totalBytesProcessed": processed,
                "query": {"totalBytesProcessed": processed, "totalBytesBilled": processed, "cacheHit": False,
                          "statementType": "SELECT", "schema": answer.get("schema")}})
        return resource

    @staticmethod
    def results_page(job, query):
        """getQueryResults of a finished job: a page of the upstream's answer, with the proxy's job id."""
        answer = job.answer()
        page = ProxyHandler.table_data(job, query)
        response = {"kind": "bigquery#getQueryResultsResponse", "jobComplete": True, "jobReference": job.reference(),
                    "totalRows": page["totalRows"], "rows": page["rows"]}
        for field in ("schema", "totalBytesProcessed", "cacheHit"):
            if field in answer:
                response[field] = answer[field]
        if "pageToken" in page:
            response["pageToken"] = page["pageToken"]
        return response

    @staticmethod
    def table_data(job, query):
        """tabledata.list of a finished job's destination table: a page of the upstream's rows."""
        rows = job.answer().get("rows") or []
        start = 0
        for name in ("pageToken", "startIndex"):
            if query.get(name):
                try:
                    start = max(0, int(query[name][0]))
                except ValueError:
                    start = 0
        end = len(rows)
        if query.get("maxResults"):
            try:
                end = min(end, start + max(0, int(query["maxResults"][0])))
            except ValueError:
                pass
        page = {"kind": "bigquery#tableDataList", "totalRows": str(len(rows)), "rows": rows[start:end]}
        if end < len(rows):
            page["pageToken"] = str(end)
        return page

    def start_query(self, project, body, kind, started):
        """jobs.query: starts a job that runs the request upstream, holds the answer, answers."""
        try:
            text = body or b"{}"
            if "gzip" in self.headers.get("Content-Encoding", "").lower():
                text = gzip.decompress(text)
            request = json.loads(text)
        except (ValueError, OSError, EOFError):
            return False
        if request.get("dryRun"):
            return False
        jobs = self.server.jobs
        job_timeout = request.get("jobTimeoutMs")
        job = jobs.create(project, request.get("location") or self.server.location,
                          int(job_timeout) if job_timeout else None,
                          {"query": request.get("query", ""), "useLegacySql": request.get("useLegacySql", True)})
        headers = [(name, value) for name, value in self.headers.items()]
        runner = threading.Thread(target=self.run_upstream, args=(job, self.path, headers, body), daemon=True)
        runner.start()
        hold = wait_seconds(request.get("timeoutMs"))
        if self.server.max_hold_seconds is not None:
            hold = min(hold, self.server.max_hold_seconds)
        result = jobs.wait(job, hold)
        if result is None:
            self.send_json(200, {"kind": "bigquery#queryResponse", "jobComplete": False,
                                 "jobReference": job.reference()})
            self.log_verbose(kind, 200, started)
        elif result[0] == "error":
            self.send_json(result[1], result[2])
            self.log_verbose(kind, result[1], started)
        else:
            _, status, answer_headers, _ = result
            self.send_upstream(status, "OK", answer_headers, job.answer_bytes())
            self.log_verbose(kind, status, started)
        return True

    def run_upstream(self, job, path, headers, body):
        """The job: the jobs.query upstream, then at least --min-job-ms from its start."""
        jobs = self.server.jobs
        header_map = HeaderList(headers)
        try:
            status, _, answer_headers, payload = self.exchange("POST", path, header_map, body, identity=True)
        except (OSError, http.client.HTTPException) as e:
            message = "latency-proxy: upstream %s failed: %s" % (self.server.upstream.geturl(), e or type(e).__name__)
            jobs.finish(job, "failed", ("error", 502, error_body(502, "backendError", message)))
            return
        left = jobs.min_job_seconds - (time.monotonic() - job.created)
        if left > 0:
            time.sleep(left)
        if status != 200:
            try:
                error = json.loads(payload)
            except ValueError:
                error = error_body(status, "backendError", payload.decode("utf-8", "replace"))
            jobs.finish(job, "failed", ("error", status, error))
            return
        match = re.search(rb'"jobReference"\s*:\s*\{[^}]*"jobId"\s*:\s*"([^"]+)"', payload)
        upstream_job_id = match.group(1).decode("utf-8") if match else None
        jobs.finish(job, "succeeded", ("answer", status, answer_headers, payload), upstream_job_id)

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


class HeaderList:
    """The headers of a request, kept for a request sent later from another thread."""

    def __init__(self, pairs):
        self._pairs = list(pairs)

    def items(self):
        return list(self._pairs)

    def get(self, name, default=None):
        for key, value in self._pairs:
            if key.lower() == name.lower():
                return value
        return default


def wait_seconds(timeout_ms):
    """A request's server-side wait in seconds: its timeoutMs, or BigQuery's default."""
    try:
        return max(0, int(timeout_ms)) / 1000.0 if timeout_ms is not None else DEFAULT_WAIT_MS / 1000.0
    except (TypeError, ValueError):
        return DEFAULT_WAIT_MS / 1000.0


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
    parser.add_argument(
        "--async-jobs", action="store_true",
        help="model BigQuery's asynchronous jobs.query: hold it up to its timeoutMs, then answer with a job id of the"
             " proxy's own, long-polled by getQueryResults; jobs.cancel and jobTimeoutMs stop the job",
    )
    parser.add_argument(
        "--max-hold-ms", type=float, default=None,
        help="with --async-jobs, the longest a jobs.query answer is held, whatever its timeoutMs (default: no cap)",
    )
    parser.add_argument(
        "--min-job-ms", type=float, default=0.0,
        help="with --async-jobs, the least time a job takes from its jobs.query (default 0)",
    )
    parser.add_argument(
        "--location", default="US",
        help="with --async-jobs, the location of a job whose jobs.query names none (default US)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = parser.parse_args(argv)
    if isinstance(args.upstream, str):
        args.upstream = parse_upstream(args.upstream)
    if not 0 <= args.port <= 65535:
        parser.error("--port: must be between 0 and 65535; got '%d'" % args.port)
    if args.delay_ms < 0:
        parser.error("--delay-ms: must not be negative; got '%s'" % args.delay_ms)
    if args.max_hold_ms is not None and args.max_hold_ms < 0:
        parser.error("--max-hold-ms: must not be negative; got '%s'" % args.max_hold_ms)
    if args.min_job_ms < 0:
        parser.error("--min-job-ms: must not be negative; got '%s'" % args.min_job_ms)
    if not args.async_jobs and (args.max_hold_ms is not None or args.min_job_ms or args.location != "US"):
        parser.error("--max-hold-ms, --min-job-ms and --location need --async-jobs")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    server = ProxyServer(
        ("127.0.0.1", args.port), args.upstream, args.delay_ms / 1000.0, args.upstream_timeout_s, args.verbose,
        async_jobs=args.async_jobs,
        max_hold_seconds=None if args.max_hold_ms is None else args.max_hold_ms / 1000.0,
        min_job_seconds=args.min_job_ms / 1000.0,
        location=args.location,
    )

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    if args.verbose:
        sys.stderr.write(
            "latency-proxy: 127.0.0.1:%d -> %s, %g ms a request%s\n"
            % (server.server_address[1], args.upstream.geturl(), args.delay_ms,
               ", asynchronous jobs" if args.async_jobs else "")
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
