package dev.gamehistory.loader.bigquery;

import com.google.api.client.json.GenericJson;
import com.google.api.client.json.gson.GsonFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code scripts/latency-proxy.py} in front of an emulator, started by the test that uses it
 * ({@code python3} on the path), on 127.0.0.1 and a free port; stopped by {@link #close()}. With
 * {@code --async-jobs} it models BigQuery's asynchronous {@code jobs.query}: held up to its
 * {@code timeoutMs} (at most {@code --max-hold-ms}), then answered with a job id of its own that
 * {@code getQueryResults} long-polls; {@code jobs.cancel} and {@code jobTimeoutMs} stop the job.
 */
final class LatencyProxy implements AutoCloseable {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
  private static final GsonFactory JSON = GsonFactory.getDefaultInstance();

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LatencyProxy(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The script, found from the module's directory or the repository's. */
  static Path script() {
    Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = here; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("scripts/latency-proxy.py");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("scripts/latency-proxy.py not found above " + here);
  }

  /** Starts the proxy in front of {@code upstream} with the given extra options, e.g. {@code --async-jobs}. */
  static LatencyProxy start(String upstream, String... options) throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("latency-proxy-", ".log");
    List<String> command = new ArrayList<>(List.of("python3", script().toString(), "--port", Integer.toString(port),
        "--upstream", upstream, "--delay-ms", "0"));
    command.addAll(List.of(options));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    LatencyProxy proxy = new LatencyProxy(process, port, log);
    try {
      proxy.awaitReady();
    } catch (IOException | RuntimeException | InterruptedException e) {
      proxy.close();
      throw e;
    }
    return proxy;
  }

  /** The proxy's endpoint, to use as {@code bigquery.host}. */
  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Requests forwarded since the last {@link #reset()}, by kind ("POST /bigquery/v2/projects/test/queries"). */
  Map<String, Integer> requestsByKind() {
    GenericJson stats = get("/__proxy/stats");
    Map<String, Integer> byKind = new TreeMap<>();
    Object kinds = stats.get("by_kind");
    if (kinds instanceof Map<?, ?> map) {
      map.forEach((k, v) -> byKind.put(k.toString(), ((Number) v).intValue()));
    }
    return byKind;
  }

  /** Zeroes the request counts. */
  void reset() {
    send(HttpRequest.newBuilder(URI.create(url() + "/__proxy/reset")).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** The asynchronous jobs, oldest first. */
  List<ProxyJob> jobs() {
    List<ProxyJob> jobs = new ArrayList<>();
    Object list = get("/__proxy/jobs").get("jobs");
    if (list instanceof List<?> all) {
      for (Object item : all) {
        Map<?, ?> job = (Map<?, ?>) item;
        jobs.add(new ProxyJob((String) job.get("id"), (String) job.get("outcome"), millis(job.get("created_ms")),
            millis(job.get("done_ms")), millis(job.get("cancel_requested_ms"))));
      }
    }
    return jobs;
  }

  /** {@code GET path} on the proxy, as BigQuery would be asked: the status and the body. */
  HttpResponse<String> call(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + " on the proxy failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** One job of the proxy: its id, outcome and when it was created, done and asked to cancel (epoch ms). */
  record ProxyJob(String id, String outcome, long createdMillis, @Nullable Long doneMillis,
      @Nullable Long cancelRequestedMillis) {}

  /** A number of milliseconds, or null for JSON's null (which the parser gives as a placeholder object). */
  private static @Nullable Long millis(@Nullable Object value) {
    return value instanceof BigDecimal number ? number.longValue() : null;
  }

  private GenericJson get(String path) {
    String body = send(HttpRequest.newBuilder(URI.create(url() + path)).GET());
    try {
      return JSON.fromString(body, GenericJson.class);
    } catch (IOException e) {
      throw new IllegalStateException("the proxy's " + path + " is not JSON: " + body, e);
    }
  }

  private String send(HttpRequest.Builder request) {
    HttpResponse<String> response;
    try {
      response = http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("the latency proxy did not answer: " + e + "; its log: " + log, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the latency proxy answered HTTP " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private void awaitReady() throws IOException, InterruptedException {
    long end = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    HttpRequest ping = HttpRequest.newBuilder(URI.create(url() + "/__proxy/stats")).timeout(Duration.ofSeconds(2)).build();
    while (System.nanoTime() < end) {
      try {
        if (http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the latency proxy exited with status " + process.exitValue()
            + " before answering; its output:\n" + Files.readString(log));
      }
    }
    throw new IllegalStateException("the latency proxy did not answer on " + url() + " within "
        + STARTUP_TIMEOUT.toSeconds() + " s; its output:\n" + Files.readString(log));
  }

  /** Stops the proxy (SIGTERM, then kill after 10 s). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "LatencyProxy{" + url() + ", log=" + log + "}";
  }
}
