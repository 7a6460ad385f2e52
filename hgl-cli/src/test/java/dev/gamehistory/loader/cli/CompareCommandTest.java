package dev.gamehistory.loader.cli;

import static dev.gamehistory.loader.cli.HglRunner.hgl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hgl compare}: option checks, the interleaving, the table and its JSON. The library side
 * runs over the in-memory backend and the bare client and the proxy are fakes, so nothing goes to
 * the network; no assertion on wall times.
 */
class CompareCommandTest {

  private static final String NL = System.lineSeparator();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Settings that pass the BigQuery backend's checks; nothing is ever sent to the host. */
  private static final String[] BIGQUERY = {"--set", "backend=bigquery", "--set", "bigquery.project=test",
      "--set", "bigquery.host=http://127.0.0.1:9", "--set", "bigquery.table=test.hgl.player_game_summary"};

  @TempDir
  Path dir;

  /** The rows the statement returns for the first {@code count} players of the league on its last date. */
  private static long expectedRows(int count) {
    return LoadCommandTest.PLAYERS.subList(0, count).stream()
        .mapToLong(player -> Math.min(30, LoadCommandTest.window(player, LoadCommandTest.LAST_DATE).size()))
        .sum();
  }

  /** A bare client that answers with the expected rows and records what it was asked. */
  private static final class FakeBare implements BareClient {
    final List<String> sqls = new ArrayList<>();
    final List<LoadRequest> requests = new ArrayList<>();
    final List<String> events;
    private final int failFrom;

    FakeBare(List<String> events, int failFrom) {
      this.events = events;
      this.failFrom = failFrom;
    }

    @Override
    public long rows(String sql, LoadRequest request) {
      sqls.add(sql);
      requests.add(request);
      events.add("bare " + request.players().size());
      if (requests.size() >= failFrom) {
        throw new IllegalStateException("backendError: the bare query failed\nsecond line");
      }
      return expectedRows(request.players().size());
    }
  }

  /** A proxy that always counts the same requests and records resets and reads. */
  private static class FakeCounter implements RequestCounter {
    final List<String> events;
    URI uri = URI.create("http://unset");

    FakeCounter(List<String> events) {
      this.events = events;
    }

    @Override
    public void reset() {
      events.add("reset");
    }

    @Override
    public RequestCounter.Counts read() {
      events.add("read");
      return new RequestCounter.Counts(3, Map.of("POST /bigquery/v2/projects/test/jobs", 1L,
          "GET /bigquery/v2/projects/test/queries/{job}", 2L));
    }
  }

  /**
   * Runs {@code hgl compare} with the BigQuery settings, the fakes, the backend made by
   * {@code backends} and a players file of the league's players on its last date.
   */
  private HglRunner.Result compare(Function<LoaderSettings, GamesQuery> backends, FakeBare bare,
      FakeCounter counter, String... args) {
    Path players = dir.resolve("league-players.txt");
    try {
      Files.write(players, LoadCommandTest.PLAYERS, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CliContext context = new CliContext(Map.of(), false, backends);
    CommandLine commandLine = Hgl.commandLine(context);
    commandLine.getCommandSpec().removeSubcommand("compare");
    commandLine.addSubcommand(new CompareCommand(context, settings -> bare, uri -> {
      counter.uri = uri;
      return counter;
    }));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    String[] all = Stream.of(Stream.of("compare"), Stream.of(BIGQUERY),
            Stream.of("--players-file", players.toString(), "--date", LoadCommandTest.LAST_DATE.toString()),
            Stream.of(args))
        .flatMap(Function.identity()).toArray(String[]::new);
    return new HglRunner.Result(commandLine.execute(all), out.toString(), err.toString());
  }

  private static Function<LoaderSettings, GamesQuery> league(List<String> events) {
    return settings -> new RecordingQuery(InMemoryGamesQuery.builder().league(LoadCommandTest.LEAGUE).build(), events);
  }

  /** Records each library query in the shared event list. */
  private record RecordingQuery(InMemoryGamesQuery delegate, List<String> events) implements GamesQuery {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public QueryResult fetch(WindowQuery query, QueryContext context) {
      synchronized (events) {
        events.add("library " + query.players().size());
      }
      return delegate.fetch(query, context);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private static void assertUsage(HglRunner.Result result, String line) {
    assertThat(result.err()).isEqualTo(line + NL);
    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_USAGE);
    assertThat(result.out()).isEmpty();
  }

  // --- a whole run, with fakes ----------------------------------------------------------------

  @Test
  void compare_textHasATablePerPlayersCount() {
    List<String> events = new ArrayList<>();
    FakeBare bare = new FakeBare(events, Integer.MAX_VALUE);
    FakeCounter counter = new FakeCounter(new ArrayList<>());
    HglRunner.Result result = compare(league(events), bare, counter, "--players", "10,20",
        "--strategies", "batch,chunked:5", "--rounds", "3", "--proxy-stats", "http://127.0.0.1:19160/__proxy/");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.err()).isEmpty();
    List<String> lines = result.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("hgl compare: in-memory; game date " + LoadCommandTest.LAST_DATE
        + "; 3 measured rounds after 1 warm-up, interleaved");
    assertThat(lines.get(2)).isEqualTo("10 players");
    assertThat(lines.get(3)).matches("  side +median ms +min-max ms +rows +requests +failed +x bare");
    String timing = " +\\d+\\.\\d +\\d+\\.\\d-\\d+\\.\\d +";
    assertThat(lines.get(4)).matches("  bare" + timing + expectedRows(10) + " +3 +0 +1\\.00");
    assertThat(lines.get(5)).matches("  batch" + timing + expectedRows(10) + " +3 +0 +\\d+\\.\\d\\d");
    assertThat(lines.get(6)).matches("  chunked\\(size=5, parallelism=4\\)" + timing + expectedRows(10)
        + " +3 +0 +\\d+\\.\\d\\d");
    assertThat(lines.subList(7, 16)).containsExactly(
        "",
        "  requests by kind, median per load",
        "    bare                                 2  GET /bigquery/v2/projects/test/queries/{job}",
        "                                         1  POST /bigquery/v2/projects/test/jobs",
        "    batch                                2  GET /bigquery/v2/projects/test/queries/{job}",
        "                                         1  POST /bigquery/v2/projects/test/jobs",
        "    chunked(size=5, parallelism=4)       2  GET /bigquery/v2/projects/test/queries/{job}",
        "                                         1  POST /bigquery/v2/projects/test/jobs",
        "");
    assertThat(lines.get(16)).isEqualTo("20 players");
    assertThat(lines.get(18)).matches("  bare" + timing + expectedRows(20) + " +3 +0 +1\\.00");
    assertThat(result.out()).contains("; requests: HTTP requests counted by the proxy at"
        + " http://127.0.0.1:19160/__proxy/" + NL);
    assertThat(counter.uri).isEqualTo(URI.create("http://127.0.0.1:19160/__proxy/"));
  }

  @Test
  void compare_bareRunsTheLibrarysStatementWithItsParameters() {
    List<String> events = new ArrayList<>();
    FakeBare bare = new FakeBare(events, Integer.MAX_VALUE);
    HglRunner.Result result = compare(league(events), bare, new FakeCounter(new ArrayList<>()), "--players", "7",
        "--strategies", "batch", "--rounds", "2", "--set", "lookback-days=30", "--set", "max-games=5");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(bare.sqls).hasSize(3).allSatisfy(sql -> assertThat(sql).contains(
        "`test`.`hgl`.`player_game_summary`", "@window_start", "@window_end", "UNNEST(@players)", "@max_games"));
    LoadRequest request = bare.requests.get(0);
    assertThat(request.players()).isEqualTo(LoadCommandTest.PLAYERS.subList(0, 7));
    assertThat(request.windowStart()).isEqualTo(LoadCommandTest.LAST_DATE.minusDays(30));
    assertThat(request.windowEnd()).isEqualTo(LoadCommandTest.LAST_DATE);
    assertThat(request.maxGames()).isEqualTo(5);
    assertThat(result.out()).contains("; requests: HTTP requests (- without --proxy-stats)" + NL)
        .doesNotContain("requests by kind")
        .contains("  batch: median rows 33 differ from bare's " + expectedRows(7) + NL);
    assertThat(result.out().lines().filter(line -> line.startsWith("  bare ") || line.startsWith("  batch ")))
        .allSatisfy(line -> assertThat(line).matches(".* +- +0 +\\d+\\.\\d\\d"));
  }

  @Test
  void compare_roundsAlternateWhichSideGoesFirst() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    HglRunner.Result result = compare(league(events), new FakeBare(events, Integer.MAX_VALUE),
        new FakeCounter(new ArrayList<>()), "--players", "4", "--strategies", "batch,per-player", "--rounds", "2",
        "--set", "parallelism=1");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    List<String> bare = List.of("bare 4");
    List<String> batch = List.of("library 4");
    List<String> perPlayer = List.of("library 1", "library 1", "library 1", "library 1");
    List<String> expected = new ArrayList<>();
    Stream.of(bare, batch, perPlayer).forEach(expected::addAll);  // warm-up
    Stream.of(perPlayer, batch, bare).forEach(expected::addAll);  // round 1
    Stream.of(bare, batch, perPlayer).forEach(expected::addAll);  // round 2
    assertThat(events).containsExactlyElementsOf(expected);
  }

  @Test
  void compare_resetsTheProxyBeforeEachRunAndReadsAfterIt() {
    List<String> events = new ArrayList<>();
    List<String> proxy = new ArrayList<>();
    HglRunner.Result result = compare(league(events), new FakeBare(events, Integer.MAX_VALUE), new FakeCounter(proxy),
        "--players", "3", "--strategies", "batch", "--rounds", "2", "--proxy-stats", "http://127.0.0.1:19160/__proxy");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    List<String> expected = new ArrayList<>(List.of("reset"));
    for (int run = 0; run < 6; run++) {
      expected.addAll(List.of("reset", "read"));
    }
    assertThat(proxy).isEqualTo(expected);
  }

  @Test
  void compare_incompleteLoadIsCountedAsFailedAndExitsWith3() throws IOException {
    List<String> events = new ArrayList<>();
    Function<LoaderSettings, GamesQuery> backends = settings -> InMemoryGamesQuery.builder()
        .league(LoadCommandTest.LEAGUE)
        .faults(FaultPlan.builder().on(QuerySelector.nth(3), Fault.permanentError()).build())
        .build();
    HglRunner.Result result = compare(backends, new FakeBare(events, Integer.MAX_VALUE),
        new FakeCounter(new ArrayList<>()), "--players", "5", "--strategies", "batch", "--rounds", "3",
        "--format", "json");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_INCOMPLETE);
    JsonNode results = JSON.readTree(result.out()).path("results");
    JsonNode batch = results.get(1);
    assertThat(batch.path("side").asText()).isEqualTo("batch");
    assertThat(batch.path("failedRuns").asInt()).isEqualTo(1);
    assertThat(batch.path("runsMs")).hasSize(2);
    assertThat(batch.path("firstFailure").asText()).startsWith("5 of 5 players failed; first ");
    assertThat(results.get(0).path("failedRuns").asInt()).isZero();
  }

  @Test
  void compare_failedRunIsNamedUnderTheTable() {
    List<String> events = new ArrayList<>();
    HglRunner.Result result = compare(league(events), new FakeBare(events, 3), new FakeCounter(new ArrayList<>()),
        "--players", "5", "--strategies", "batch", "--rounds", "3");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_INCOMPLETE);
    assertThat(result.out()).contains("  bare: 2 of 3 measured queries failed; first: IllegalStateException:"
        + " backendError: the bare query failed" + NL);
  }

  @Test
  void compare_warmUpFailureStopsWithExit1() {
    List<String> events = new ArrayList<>();
    HglRunner.Result result = compare(league(events), new FakeBare(events, 1), new FakeCounter(new ArrayList<>()),
        "--players", "5", "--strategies", "batch", "--rounds", "3");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_ERROR);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("hgl: error: the warm-up round failed: 5 players, bare: IllegalStateException:"
        + " backendError: the bare query failed (--verbose shows the stack trace)" + NL);
  }

  @Test
  void compare_jsonParses() throws IOException {
    List<String> events = new ArrayList<>();
    HglRunner.Result result = compare(league(events), new FakeBare(events, Integer.MAX_VALUE),
        new FakeCounter(new ArrayList<>()), "--players", "6", "--strategies", "adaptive:2", "--rounds", "3",
        "--format", "json", "--proxy-stats", "http://127.0.0.1:19160/__proxy");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    JsonNode root = JSON.readTree(result.out());
    assertThat(root.path("rounds").asInt()).isEqualTo(3);
    assertThat(root.path("warmups").asInt()).isEqualTo(1);
    assertThat(root.path("proxyStats").asText()).isEqualTo("http://127.0.0.1:19160/__proxy");
    assertThat(root.path("gameDate").asText()).isEqualTo(LoadCommandTest.LAST_DATE.toString());
    JsonNode results = root.path("results");
    assertThat(results).hasSize(2);
    assertThat(results.get(0).path("side").asText()).isEqualTo("bare");
    assertThat(results.get(0).path("ratioToBare").asDouble()).isEqualTo(1.0);
    assertThat(results.get(1).path("side").asText()).isEqualTo("adaptive:2");
    assertThat(results.get(1).path("describe").asText()).isEqualTo("adaptive(initial-chunk=2, parallelism=4)");
    for (JsonNode row : results) {
      assertThat(row.path("players").asInt()).isEqualTo(6);
      assertThat(row.path("runsMs")).hasSize(3);
      assertThat(row.path("minMs").asDouble()).isLessThanOrEqualTo(row.path("medianMs").asDouble());
      assertThat(row.path("medianMs").asDouble()).isLessThanOrEqualTo(row.path("maxMs").asDouble());
      assertThat(row.path("medianRows").asLong()).isEqualTo(expectedRows(6));
      assertThat(row.path("medianRequests").asDouble()).isEqualTo(3.0);
      assertThat(row.path("medianRequestsByKind").path("POST /bigquery/v2/projects/test/jobs").asDouble())
          .isEqualTo(1.0);
      assertThat(row.path("failedRuns").asInt()).isZero();
      assertThat(row.path("firstFailure").isNull()).isTrue();
      assertThat(row.path("rowsMatchBare").asBoolean()).isTrue();
    }
  }

  // --- bad usage: exit 2, one line naming the option and the value, before any connection ------

  @Test
  void compare_zeroRounds() {
    assertUsage(hgl("compare", "--rounds", "0"), "hgl: --rounds: must be an integer between 1 and 1000; got '0'");
  }

  @Test
  void compare_roundsNotANumber() {
    assertUsage(hgl("compare", "--rounds", "twelve"),
        "hgl: --rounds: must be an integer between 1 and 1000; got 'twelve'");
  }

  @Test
  void compare_badPlayersCount() {
    assertUsage(hgl("compare", "--players", "118,0"),
        "hgl: --players: must be an integer between 1 and 10000; got '0'");
  }

  @Test
  void compare_badFormat() {
    assertUsage(hgl("compare", "--format", "csv"), "hgl: --format: must be text or json; got 'csv'");
  }

  @Test
  void compare_proxyStatsNotHttp() {
    assertUsage(hgl("compare", "--proxy-stats", "ftp://127.0.0.1/__proxy"),
        "hgl: --proxy-stats: must be the latency proxy's control URL, like http://127.0.0.1:19160/__proxy; got"
            + " 'ftp://127.0.0.1/__proxy'");
  }

  @Test
  void compare_proxyStatsNotAUrl() {
    assertUsage(hgl("compare", "--proxy-stats", "http://127.0.0.1:19160/a b"),
        "hgl: --proxy-stats: must be the latency proxy's control URL, like http://127.0.0.1:19160/__proxy; got"
            + " 'http://127.0.0.1:19160/a b'");
  }

  @Test
  void compare_inMemoryBackend() {
    assertUsage(hgl("compare"), "hgl: backend: compare needs backend=bigquery (it measures the BigQuery backend"
        + " against the bare client); got 'in-memory'");
  }

  @Test
  void compare_unknownStrategy() {
    assertUsage(hgl(concat(BIGQUERY, "--strategies", "batch,quick")),
        "hgl: --strategies: unknown strategy; got 'quick'; allowed: batch, chunked[:SIZE], per-player,"
            + " adaptive[:SIZE]");
  }

  @Test
  void compare_bigqueryWithoutPlayersFile() {
    assertUsage(hgl(concat(BIGQUERY)), "hgl: --players-file: required with backend=bigquery (hgl lists players only"
        + " of the in-memory backend); got none");
  }

  @Test
  void compare_bigqueryWithoutDate() throws IOException {
    Path file = Files.writeString(dir.resolve("players.txt"), "a\nb\n", StandardCharsets.UTF_8);
    assertUsage(hgl(concat(BIGQUERY, "--players", "2", "--players-file", file.toString())),
        "hgl: --date: required with backend=bigquery; got none");
  }

  @Test
  void compare_morePlayersThanTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("players.txt"), "a\nb\n", StandardCharsets.UTF_8);
    assertUsage(hgl(concat(BIGQUERY, "--players-file", file.toString(), "--date", "2022-04-11")),
        "hgl: --players: --players-file holds only 2 players; got '118'");
  }

  @Test
  void compare_unreachableProxy() {
    List<String> events = new ArrayList<>();
    FakeCounter unreachable = new FakeCounter(events) {
      @Override
      public void reset() {
        throw new UncheckedIOException("POST http://127.0.0.1:1/__proxy/reset: java.net.ConnectException",
            new IOException("refused"));
      }
    };
    assertUsage(compare(league(events), new FakeBare(events, Integer.MAX_VALUE), unreachable,
            "--players", "3", "--proxy-stats", "http://127.0.0.1:1/__proxy"),
        "hgl: --proxy-stats: cannot reach the proxy (POST http://127.0.0.1:1/__proxy/reset:"
            + " java.net.ConnectException); got 'http://127.0.0.1:1/__proxy'");
    assertThat(events).as("nothing ran").isEmpty();
  }

  private static String[] concat(String[] settings, String... args) {
    return Stream.concat(Stream.of("compare"), Stream.concat(Stream.of(settings), Stream.of(args)))
        .toArray(String[]::new);
  }

  // --- the pure parts --------------------------------------------------------------------------

  private static Comparison.Measurement measurement(String side, List<Double> millis, List<Long> requests,
      int failed) {
    return new Comparison.Measurement(118, side, side, millis, millis.stream().map(m -> 3431L).toList(), requests,
        requests.stream().map(r -> Map.of("POST /bigquery/v2/projects/test/queries", r)).toList(), failed,
        failed == 0 ? null : "TIMEOUT");
  }

  @Test
  void median_evenCountAveragesTheMiddleTwo() {
    Comparison.Measurement m = measurement("batch", List.of(40.0, 10.0, 30.0, 20.0), List.of(3L, 4L, 4L, 3L), 0);

    assertThat(m.median()).hasValue(25.0);
    assertThat(m.min()).hasValue(10.0);
    assertThat(m.max()).hasValue(40.0);
    assertThat(m.medianRequests()).hasValue(3.5);
    assertThat(CompareTable.count(m.medianRequests())).isEqualTo("3.5");
    assertThat(CompareTable.count(OptionalDouble.of(4.0))).isEqualTo("4");
    assertThat(CompareTable.count(OptionalDouble.empty())).isEqualTo("-");
  }

  @Test
  void medianRequestsByKind_kindMissingFromARunCountsZero() {
    Comparison.Measurement m = new Comparison.Measurement(5, "batch", "batch", List.of(1.0, 2.0, 3.0),
        List.of(1L, 1L, 1L), List.of(1L, 2L, 2L),
        List.of(Map.of("POST /jobs", 1L), Map.of("POST /jobs", 1L, "GET /queries/{job}", 1L),
            Map.of("POST /jobs", 1L, "GET /queries/{job}", 1L)),
        0, null);

    assertThat(m.medianRequestsByKind()).containsExactly(Map.entry("GET /queries/{job}", 1.0),
        Map.entry("POST /jobs", 1.0));
  }

  @Test
  void ratio_isTheMedianOverBaresMedian() {
    Comparison.Measurement bare = measurement("bare", List.of(100.0, 120.0, 110.0), List.of(), 0);
    Comparison.Measurement batch = measurement("batch", List.of(150.0, 130.0, 140.0), List.of(), 0);

    assertThat(CompareTable.ratio(bare, bare)).hasValue(1.0);
    assertThat(CompareTable.ratio(batch, bare).getAsDouble()).isCloseTo(140.0 / 110.0, offset(1e-9));
  }

  @Test
  void ratio_withoutASuccessfulRunIsEmpty() {
    Comparison.Measurement bare = measurement("bare", List.of(), List.of(), 3);
    Comparison.Measurement batch = measurement("batch", List.of(150.0), List.of(), 2);

    assertThat(CompareTable.ratio(batch, bare)).isEmpty();
    assertThat(CompareTable.ratio(bare, batch)).isEmpty();
    assertThat(CompareTable.ratio(batch, null)).isEmpty();
  }

  @Test
  void text_rendersEveryColumnAndDashesForMissingValues() {
    List<Comparison.Measurement> measurements = List.of(
        measurement("bare", List.of(100.0, 120.0, 110.0), List.of(2L, 2L, 2L), 0),
        measurement("adaptive(initial-chunk=all, parallelism=4)", List.of(141.25, 130.0), List.of(5L, 6L), 1),
        measurement("batch", List.of(), List.of(), 3));
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      CompareTable.text(out, "bigquery: table test.hgl.player_game_summary at http://127.0.0.1:19160",
          LocalDate.of(2022, 4, 11), 3, "http://127.0.0.1:19160/__proxy", measurements);
    }

    assertThat(text.toString().lines().toList()).containsExactly(
        "hgl compare: bigquery: table test.hgl.player_game_summary at http://127.0.0.1:19160; game date 2022-04-11;"
            + " 3 measured rounds after 1 warm-up, interleaved",
        "",
        "118 players",
        "  side                                        median ms       min-max ms      rows  requests  failed"
            + "  x bare",
        "  bare                                            110.0      100.0-120.0      3431         2       0"
            + "    1.00",
        "  adaptive(initial-chunk=all, parallelism=4)      135.6      130.0-141.3      3431       5.5       1"
            + "    1.23",
        "  batch                                               -                -         -         -       3"
            + "       -",
        "",
        "  requests by kind, median per load",
        "    bare                                             2  POST /bigquery/v2/projects/test/queries",
        "    adaptive(initial-chunk=all, parallelism=4)     5.5  POST /bigquery/v2/projects/test/queries",
        "  adaptive(initial-chunk=all, parallelism=4): 1 of 3 measured loads failed; first: TIMEOUT",
        "  batch: 3 of 3 measured loads failed; first: TIMEOUT",
        "",
        "  bare: google-cloud-bigquery's BigQuery.query() on the library's SQL and parameters, reading every row of"
            + " iterateAll()",
        "  wall time per load; rows and requests: the median per load; requests: HTTP requests counted by the proxy"
            + " at http://127.0.0.1:19160/__proxy",
        "  failed: measured runs that failed, left out of the other columns (a load fails when any player fails)",
        "  x bare: median / bare's median for the same players count");
  }

  @Test
  void textAndJson_withTheProxysJobs_showTheTimeFromTheLastJobsEndToTheAnswer() {
    List<Comparison.Measurement> measurements = List.of(
        new Comparison.Measurement(24, "bare", "bare", List.of(300.0, 340.0), List.of(656L, 656L), List.of(5L, 5L),
            List.of(Map.of(), Map.of()), 0, null, List.of(40.0, 48.0)),
        new Comparison.Measurement(24, "batch", "batch", List.of(280.0, 290.0), List.of(656L, 656L),
            List.of(2L, 2L), List.of(Map.of(), Map.of()), 0, null, List.of(3.0, 5.0)));
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      CompareTable.text(out, "bigquery", LocalDate.of(2022, 4, 11), 2, "http://127.0.0.1:19160/__proxy", measurements);
    }

    assertThat(text.toString()).contains(String.join(System.lineSeparator(),
        "  from the end of the load's last job to its answer (the proxy's jobs), median ms",
        "    bare          44.0",
        "    batch          4.0"));
    ObjectNode json = CompareTable.json("bigquery", LocalDate.of(2022, 4, 11), 2, null, measurements);
    assertThat(json.path("results").get(0).path("medianAfterJobEndMs").asDouble()).isEqualTo(44.0);
    assertThat(json.path("results").get(1).path("medianAfterJobEndMs").asDouble()).isEqualTo(4.0);
  }

  @Test
  void order_reversesEveryOtherRound() {
    List<Comparison.Side> sides = List.of(Comparison.Side.BARE_SIDE,
        Comparison.Side.of(new Candidate("batch", Strategy.batch())),
        Comparison.Side.of(new Candidate("adaptive", Strategy.adaptive(0, 4))));

    assertThat(Comparison.order(sides, 0)).extracting(Comparison.Side::name)
        .containsExactly("bare", "batch", "adaptive");
    assertThat(Comparison.order(sides, 1)).extracting(Comparison.Side::name)
        .containsExactly("adaptive", "batch", "bare");
    assertThat(Comparison.order(sides, 2)).isEqualTo(sides);
  }

  @Test
  void proxyUri_acceptsAnHttpUrlWithAPath() {
    assertThat(CompareCommand.proxyUri(" http://127.0.0.1:19160/__proxy "))
        .isEqualTo(URI.create("http://127.0.0.1:19160/__proxy"));
  }
}
