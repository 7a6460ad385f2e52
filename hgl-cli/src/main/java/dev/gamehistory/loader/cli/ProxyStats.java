package dev.gamehistory.loader.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counts of {@code scripts/latency-proxy.py}: {@code GET <url>/stats}, {@code POST <url>/reset};
 * its asynchronous jobs: {@code GET <url>/jobs}.
 */
final class ProxyStats implements RequestCounter {

  private static final Duration PROXY_TIMEOUT = Duration.ofSeconds(10);

  private final URI stats;
  private final URI reset;
  private final URI jobs;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROXY_TIMEOUT).build();

  /** For the proxy's control URL, e.g. {@value CompareCommand#PROXY_EXAMPLE}. */
  ProxyStats(URI base) {
    String text = base.toString().replaceAll("/+$", "");
    this.stats = URI.create(text + "/stats");
    this.reset = URI.create(text + "/reset");
    this.jobs = URI.create(text + "/jobs");
  }

  @Override
  public void reset() {
    send(HttpRequest.newBuilder(reset).timeout(PROXY_TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  @Override
  public Counts read() {
    JsonNode root;
    String body = send(HttpRequest.newBuilder(stats).timeout(PROXY_TIMEOUT).GET().build());
    try {
      root = JsonReport.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("the proxy's stats at " + stats + " are not JSON", e);
    }
    Map<String, Long> byKind = new TreeMap<>();
    root.path("by_kind").properties().forEach(e -> byKind.put(e.getKey(), e.getValue().asLong()));
    return new Counts(root.path("requests").asLong(), byKind);
  }

  @Override
  public List<Long> jobEnds(long sinceEpochMillis) {
    String body = send(HttpRequest.newBuilder(jobs).timeout(PROXY_TIMEOUT).GET().build());
    JsonNode root;
    try {
      root = JsonReport.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("the proxy's jobs at " + jobs + " are not JSON", e);
    }
    List<Long> ends = new ArrayList<>();
    for (JsonNode job : root.path("jobs")) {
      if (job.path("created_ms").asLong() >= sinceEpochMillis && job.path("done_ms").isNumber()) {
        ends.add(job.path("done_ms").asLong());
      }
    }
    return ends;
  }

  private String send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + Messages.describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the proxy at " + request.uri(), e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " answered HTTP "
          + response.statusCode());
    }
    return response.body();
  }
}
