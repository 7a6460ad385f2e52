package dev.gamehistory.loader.bigquery;

import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs goccy/bigquery-emulator on 127.0.0.1 for one test class and stops it after the class (destroy,
 * then wait). The binary is {@code ~/go/bin/bigquery-emulator} unless {@code HGL_BQ_EMULATOR} names
 * another; install it with {@code bash scripts/install-emulator.sh}. A missing binary or an emulator
 * that does not answer within {@link #STARTUP_TIMEOUT} fails the tests; they are never skipped.
 *
 * <p>One emulator per class rather than per run: v0.8.1 keeps every query job's result in a dataset
 * of its own and slows down with each dataset it holds (a trivial query takes ~0.08 s on a fresh
 * emulator, ~0.3 s after 300 jobs, and deleting those datasets crashes it), while starting one takes
 * about a second. The per-player contract run alone makes ~400 jobs.
 *
 * <p>Test classes get the running emulator as a parameter of their constructor or methods.
 */
public final class BigQueryEmulator implements AutoCloseable {

  /** The project the emulator serves. */
  public static final String PROJECT = "test";
  /** How long the emulator may take to answer after it starts. */
  public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path log;

  private BigQueryEmulator(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The emulator's REST endpoint, e.g. {@code http://127.0.0.1:40123}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** A client of the emulator: project {@code test}, location US, no credentials. */
  public BigQuery client() {
    return BigQueryOptions.newBuilder()
        .setHost(url())
        .setProjectId(PROJECT)
        .setLocation("US")
        .setCredentials(NoCredentials.getInstance())
        .build()
        .getService();
  }

  /** The backend settings that point the bigquery backend at the emulator and the given table. */
  public Map<String, String> backendProperties(String table) {
    return Map.of("backend", BigQueryGamesQuery.NAME, "bigquery.host", url(), "bigquery.project", PROJECT,
        "bigquery.table", table);
  }

  /** Stops the emulator: destroy, wait up to 10 s, then kill. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static BigQueryEmulator start() throws IOException, InterruptedException {
    String configured = System.getenv("HGL_BQ_EMULATOR");
    Path binary = configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), "go", "bin", "bigquery-emulator");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("the BigQuery emulator is not installed at " + binary
          + ": run `bash scripts/install-emulator.sh` or set HGL_BQ_EMULATOR to its path");
    }
    // A free port may be taken by another process before the emulator binds it: try again on others.
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      int grpcPort = freePort();
      Path log = Files.createTempFile("bigquery-emulator-", ".log");
      Process process = new ProcessBuilder(List.of(binary.toString(), "--host=127.0.0.1", "--project=" + PROJECT,
          "--port=" + port, "--grpc-port=" + grpcPort, "--log-level=warn"))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      BigQueryEmulator emulator = new BigQueryEmulator(process, port, log);
      try {
        emulator.awaitReady();
        return emulator;
      } catch (IOException | RuntimeException | InterruptedException e) {
        emulator.close();
        if (attempt < 3 && Files.readString(log).contains("address already in use")) {
          continue;
        }
        throw e;
      }
    }
  }

  /** Polls the REST API until it answers, waiting on the process between tries (so a crash ends the wait). */
  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/bigquery/v2/projects/" + PROJECT + "/datasets"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    long end = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < end) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = "HTTP " + response.statusCode() + ": " + response.body();
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the BigQuery emulator exited with status " + process.exitValue()
            + " before answering; its output:\n" + Files.readString(log));
      }
    }
    throw new IllegalStateException("the BigQuery emulator did not answer on " + url() + " within "
        + STARTUP_TIMEOUT.toSeconds() + " s (last: " + last + "); its output:\n" + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public String toString() {
    return "BigQueryEmulator{" + url() + ", log=" + log + "}";
  }

  /** The extension: starts the class's emulator before its tests, resolves it as a parameter. */
  public static final class Extension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BigQueryEmulator.class);

    @Override
    public void beforeAll(ExtensionContext context) {
      emulator(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == BigQueryEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return emulator(context);
    }

    private static BigQueryEmulator emulator(ExtensionContext context) {
      ExtensionContext classContext = context;
      while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
        classContext = classContext.getParent().get();
      }
      // Closed (AutoCloseable) with the class's store when the class's tests are done.
      return classContext.getStore(NAMESPACE).getOrComputeIfAbsent("emulator", key -> {
        try {
          return start();
        } catch (IOException e) {
          throw new IllegalStateException("could not start the BigQuery emulator: " + e, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting the BigQuery emulator", e);
        }
      }, BigQueryEmulator.class);
    }
  }
}
