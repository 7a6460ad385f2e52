package dev.gamehistory.loader.cli;

import static dev.gamehistory.loader.cli.HglRunner.hgl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hgl} against the BigQuery emulator (run with {@code -Pemulator}; the binary is
 * {@code ~/go/bin/bigquery-emulator} or {@code HGL_BQ_EMULATOR}): seed the default league, then load
 * the same players from BigQuery and from the in-memory backend and get the same JSON histories;
 * {@code hgl compare} through {@code scripts/latency-proxy.py}, plain and modelling BigQuery's
 * asynchronous {@code jobs.query} ({@code --async-jobs}), which the test starts ({@code python3}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HglEmulatorIT {

  private static final String TABLE = "test.hgl_cli.player_game_summary";
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Process emulator;
  private static String url;

  @TempDir
  static Path dir;

  @BeforeAll
  static void startEmulator() throws IOException, InterruptedException {
    String configured = System.getenv("HGL_BQ_EMULATOR");
    Path binary = configured != null && !configured.isBlank() ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), "go", "bin", "bigquery-emulator");
    assertThat(binary).as("the BigQuery emulator (bash scripts/install-emulator.sh)").isExecutable();
    // A free port may be taken by another process before the emulator binds it: try again on others.
    for (int attempt = 1; ; attempt++) {
      Path log = dir.resolve("emulator-" + attempt + ".log");
      if (start(binary, log)) {
        return;
      }
      boolean portTaken = Files.readString(log).contains("address already in use");
      stopEmulator();
      if (attempt == 3 || !portTaken) {
        throw new IllegalStateException("the emulator did not start: " + Files.readString(log));
      }
    }
  }

  /** Starts the emulator on free ports; whether it answered within {@link #STARTUP}. */
  private static boolean start(Path binary, Path log) throws IOException, InterruptedException {
    int port = freePort();
    emulator = new ProcessBuilder(binary.toString(), "--host=127.0.0.1", "--project=test", "--port=" + port,
        "--grpc-port=" + freePort(), "--log-level=warn")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    url = "http://127.0.0.1:" + port;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ping = HttpRequest.newBuilder(URI.create(url + "/bigquery/v2/projects/test/datasets"))
        .timeout(Duration.ofSeconds(2)).build();
    long end = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < end) {
      try {
        if (http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (emulator.waitFor(100, TimeUnit.MILLISECONDS)) {
        return false;
      }
    }
    return false;
  }

  @AfterAll
  static void stopEmulator() throws InterruptedException {
    if (emulator != null) {
      emulator.destroy();
      if (!emulator.waitFor(10, TimeUnit.SECONDS)) {
        emulator.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String[] bigquery(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--set", "backend=bigquery", "--set", "bigquery.host=" + url, "--set", "bigquery.project=test",
        "--set", "bigquery.table=" + TABLE, "--set", "query-timeout=60s", "--set", "deadline=120s"));
    return all.toArray(new String[0]);
  }

  @Test
  @Order(1)
  void seed_createsAndFillsTheTable() {
    HglRunner.Result result = hgl(bigquery("seed"));

    assertThat(result.err()).isEmpty();
    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).startsWith(String.format("seeded %s: %,d rows from the generated league (seed 42, 1 season, ",
        TABLE, LoadCommandTest.LEAGUE.rows().size()));
  }

  @Test
  @Order(2)
  void seed_refusesATableWithRows() {
    HglRunner.Result result = hgl(bigquery("seed"));

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_USAGE);
    assertThat(result.err()).isEqualTo("hgl: bigquery.table: table " + TABLE + " already holds "
        + LoadCommandTest.LEAGUE.rows().size() + " row(s); add --replace to drop and recreate it"
        + System.lineSeparator());
  }

  @Test
  @Order(3)
  void load_bigqueryAndInMemoryGiveTheSameHistories() throws IOException {
    List<String> players = Stream.concat(LoadCommandTest.PLAYERS.subList(40, 64).stream(),
        Stream.of("daniellong", "nosuchplayer")).toList();
    Path file = Files.write(dir.resolve("players.txt"), players, StandardCharsets.UTF_8);
    for (String strategy : List.of("batch", "per-player")) {
      HglRunner.Result fromBigQuery = hgl(bigquery("load", "--players-file", file.toString(), "--date", "2022-01-15",
          "--format", "json", "--set", "strategy=" + strategy));
      HglRunner.Result inMemory = hgl("load", "--players-file", file.toString(), "--date", "2022-01-15",
          "--format", "json", "--set", "strategy=" + strategy);

      assertThat(fromBigQuery.exitCode()).as(fromBigQuery.err()).isEqualTo(Hgl.EXIT_OK);
      JsonNode bigqueryRoot = JSON.readTree(fromBigQuery.out());
      assertThat(bigqueryRoot.path("players")).isEqualTo(JSON.readTree(inMemory.out()).path("players"));
      assertThat(bigqueryRoot.path("players").path("nosuchplayer").path("games")).isEmpty();
      assertThat(bigqueryRoot.path("report").path("backend").asText()).isEqualTo("bigquery");
      assertThat(bigqueryRoot.path("report").path("attempts").get(0).path("jobId").isTextual()).isTrue();
    }
  }

  @Test
  @Order(3)
  void backfill_slatesFile_bigqueryWritesWhatInMemoryWrites() throws IOException {
    List<String> slates = new ArrayList<>(List.of("game_date,player_lookup"));
    for (String date : List.of("2022-01-10", "2022-01-11", "2022-01-13")) {
      LoadCommandTest.PLAYERS.subList(40, 52).forEach(player -> slates.add(date + "," + player));
    }
    slates.add("2022-01-11,nosuchplayer");
    Path file = Files.write(dir.resolve("slates.csv"), slates, StandardCharsets.UTF_8);

    HglRunner.Result fromBigQuery = hgl(bigquery("backfill", "--from", "2022-01-10", "--to", "2022-01-13",
        "--slates", file.toString()));
    HglRunner.Result inMemory = hgl("backfill", "--from", "2022-01-10", "--to", "2022-01-13", "--slates", file.toString());

    assertThat(fromBigQuery.exitCode()).as(fromBigQuery.err()).isEqualTo(Hgl.EXIT_OK);
    assertThat(fromBigQuery.out()).isEqualTo(inMemory.out()).contains("\"player\":\"nosuchplayer\",\"status\":\"LOADED\",\"games\":0");
    // 37 pairs, one query of three dates.
    assertThat(fromBigQuery.err()).contains("3 dates, 37 pairs (0 failed), 1 query, ");
  }

  @Test
  @Order(3)
  void backfill_withoutSlates_bigqueryListsWhoPlayedAsInMemoryDoes() {
    HglRunner.Result fromBigQuery = hgl(bigquery("backfill", "--from", "2022-01-15", "--to", "2022-01-15",
        "--format", "csv"));
    HglRunner.Result inMemory = hgl("backfill", "--from", "2022-01-15", "--to", "2022-01-15", "--format", "csv");

    assertThat(fromBigQuery.exitCode()).as(fromBigQuery.err()).isEqualTo(Hgl.EXIT_OK);
    assertThat(fromBigQuery.out()).isEqualTo(inMemory.out());
    assertThat(fromBigQuery.out().lines().count()).isGreaterThan(1_000);
  }

  @Test
  @Order(4)
  void explain_fromTo_printsTheMultiDateSqlAndTheLoopComparison() throws IOException {
    // The emulator runs a dry run's query: three players over five dates keep it short.
    Path file = Files.write(dir.resolve("three.txt"), LoadCommandTest.PLAYERS.subList(0, 3), StandardCharsets.UTF_8);
    HglRunner.Result result = hgl(bigquery("explain", "--date", "2022-01-15", "--players-file", file.toString(),
        "--from", "2022-01-01", "--to", "2022-01-05"));

    assertThat(result.exitCode()).as(result.err()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).contains("sql of a query of several dates", "JOIN pair USING (player_lookup)",
        "backfill dry run: every date from 2022-01-01 to 2022-01-05 (5 dates), 3 players of --players-file a date");
    // 5 dates in one query spanning 4 + 90 days, against 5 queries of 90 days each.
    assertThat(result.out()).containsPattern("\n  (multi-date \\(up to 30 dates and 10000 pairs a query, deadline 30m\\):"
        + " 1 query, .*, 94 partition days|skipped: )");
    assertThat(result.out()).containsPattern("\n  (per-date loop: 5 queries, .*, 450 partition days|skipped: )");
  }

  @Test
  @Order(4)
  void explain_printsTheSqlAndADryRunLine() {
    HglRunner.Result result = hgl(bigquery("explain", "--date", "2022-01-15", "--set", "strategy=chunked"));

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).contains("FROM `test`.`hgl_cli`.`player_game_summary`",
        "dry run: 360 placeholder players");
    assertThat(result.out()).containsPattern("\n  (chunked\\(size=100, parallelism=4\\): 4 queries, |skipped: )");
  }

  @Test
  @Order(6)
  void compare_throughThePlainProxy_oneRequestALoadLikeTheBareClient() throws IOException, InterruptedException {
    JsonNode results = compare(List.of());

    for (JsonNode side : results) {
      assertThat(side.path("failedRuns").asInt()).as("%s", side).isZero();
      assertThat(side.path("medianRequests").asDouble()).as("%s", side).isEqualTo(1.0);
    }
    assertThat(results.get(1).path("rowsMatchBare").asBoolean()).isTrue();
  }

  @Test
  @Order(7)
  void compare_throughTheAsynchronousProxy_theLibraryLongPollsWithFewerRequestsThanTheBareClient()
      throws IOException, InterruptedException {
    // Every jobs.query answered at once as still running: both sides must wait for the job.
    JsonNode results = compare(List.of("--async-jobs", "--max-hold-ms", "0"));

    JsonNode bare = results.get(0);
    JsonNode batch = results.get(1);
    assertThat(bare.path("side").asText()).isEqualTo("bare");
    assertThat(bare.path("failedRuns").asInt()).as("%s", bare).isZero();
    assertThat(batch.path("failedRuns").asInt()).as("%s", batch).isZero();
    assertThat(batch.path("rowsMatchBare").asBoolean()).isTrue();
    // The library: jobs.query, then one getQueryResults long-poll that returns the rows.
    assertThat(batch.path("medianRequests").asDouble()).isEqualTo(2.0);
    assertThat(batch.path("medianRequestsByKind").path("GET /bigquery/v2/projects/test/queries/{job}").asDouble())
        .isEqualTo(1.0);
    assertThat(bare.path("medianRequests").asDouble()).isGreaterThanOrEqualTo(batch.path("medianRequests").asDouble());
    // The proxy's jobs tell when each ended: both sides report the time from there to their answer.
    assertThat(bare.path("medianAfterJobEndMs").isNumber()).as("%s", bare).isTrue();
    assertThat(batch.path("medianAfterJobEndMs").isNumber()).as("%s", batch).isTrue();
  }

  /** {@code hgl compare} of 24 players, bare and batch, one measured round, through a proxy with {@code options}. */
  private static JsonNode compare(List<String> options) throws IOException, InterruptedException {
    Path file = Files.write(dir.resolve("compare.txt"), LoadCommandTest.PLAYERS.subList(0, 24), StandardCharsets.UTF_8);
    int port = freePort();
    Path script = Path.of(System.getProperty("user.dir")).toAbsolutePath().resolveSibling("scripts")
        .resolve("latency-proxy.py");
    List<String> command = new ArrayList<>(List.of("python3", script.toString(), "--port", Integer.toString(port),
        "--upstream", url, "--delay-ms", "0"));
    command.addAll(options);
    Path log = dir.resolve("proxy-" + port + ".log");
    Process proxy = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      String control = "http://127.0.0.1:" + port + "/__proxy";
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      HttpRequest ping = HttpRequest.newBuilder(URI.create(control + "/stats")).timeout(Duration.ofSeconds(2)).build();
      long end = System.nanoTime() + STARTUP.toNanos();
      while (true) {
        try {
          if (http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            break;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        if (proxy.waitFor(100, TimeUnit.MILLISECONDS) || System.nanoTime() > end) {
          throw new IllegalStateException("the latency proxy did not start: " + Files.readString(log));
        }
      }
      List<String> args = new ArrayList<>(List.of("compare", "--players-file", file.toString(), "--players", "24",
          "--strategies", "batch", "--rounds", "1", "--date", "2022-01-15", "--format", "json",
          "--proxy-stats", control));
      args.addAll(List.of("--set", "backend=bigquery", "--set", "bigquery.host=http://127.0.0.1:" + port,
          "--set", "bigquery.project=test", "--set", "bigquery.table=" + TABLE, "--set", "query-timeout=60s",
          "--set", "deadline=120s"));
      HglRunner.Result result = hgl(args.toArray(new String[0]));

      assertThat(result.exitCode()).as(result.err() + result.out()).isEqualTo(Hgl.EXIT_OK);
      JsonNode results = JSON.readTree(result.out()).path("results");
      assertThat(results).hasSize(2);
      return results;
    } finally {
      proxy.destroy();
      if (!proxy.waitFor(10, TimeUnit.SECONDS)) {
        proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @Order(5)
  void bench_runsEveryStrategy() throws IOException {
    Path file = Files.write(dir.resolve("bench.txt"), LoadCommandTest.PLAYERS.subList(0, 6), StandardCharsets.UTF_8);
    HglRunner.Result result = hgl(bigquery("bench", "--players-file", file.toString(), "--players", "3,6",
        "--date", "2022-01-15", "--strategies", "batch,per-player", "--runs", "1", "--format", "json"));

    assertThat(result.exitCode()).as(result.err()).isEqualTo(Hgl.EXIT_OK);
    JsonNode results = JSON.readTree(result.out()).path("results");
    assertThat(results).hasSize(4);
    assertThat(results.get(1).path("medianQueries").asDouble()).isEqualTo(3.0);
  }
}
