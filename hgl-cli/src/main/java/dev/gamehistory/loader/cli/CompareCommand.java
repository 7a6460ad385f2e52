package dev.gamehistory.loader.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableResult;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.bigquery.BigQueryGamesQuery;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.SettingsSources;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hgl compare}: the library's BigQuery load against the bare google-cloud-bigquery client
 * running the same statement with the same parameters, interleaved, in one JVM, against the same
 * endpoint. Each round runs, for each players count, the bare query and every strategy's load, the
 * order reversed every other round; one warm-up round comes first. Prints, per players count and
 * side, the median and range of the wall time, the rows, the HTTP requests per load (counted by
 * {@code scripts/latency-proxy.py} when {@code --proxy-stats} is given) and the ratio to the bare
 * client's median; behind the proxy's asynchronous model ({@code --async-jobs}), also the time from
 * the end of the load's last job to the load's answer.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = Hgl.Version.class,
    header = "Compares the library's BigQuery loads with the bare client on the same SQL.",
    description = {
        "Runs the library's statement with google-cloud-bigquery's BigQuery.query() and iterateAll() (bare) and the"
            + " library's load under each strategy, interleaved: one warm-up round, then --rounds measured rounds, the"
            + " order reversed every other round. Prints per players count the median and range of the wall time,"
            + " rows, HTTP requests per load (from scripts/latency-proxy.py with --proxy-stats) and the ratio to"
            + " bare's median. Needs backend=bigquery; a strategy's load counts only when every player loaded.",
        "Exit codes: 0 every measured run succeeded, 3 some run failed, 2 bad usage or settings, 1 other errors"
            + " (also: a failure in the warm-up round)."})
final class CompareCommand implements Callable<Integer> {

  /** The strategies measured by default. */
  static final String DEFAULT_STRATEGIES = "batch,adaptive";
  /** The measured rounds by default. */
  static final int DEFAULT_ROUNDS = 12;
  /** The most measured rounds. */
  static final int MAX_ROUNDS = 1000;
  /** The name of the bare client's side. */
  static final String BARE = "bare";
  /** What {@code --proxy-stats} looks like. */
  static final String PROXY_EXAMPLE = "http://127.0.0.1:19160/__proxy";

  private static final Duration PROXY_TIMEOUT = Duration.ofSeconds(10);

  private final CliContext context;
  private final Function<LoaderSettings, BareClient> bareClients;
  private final Function<URI, RequestCounter> requestCounters;

  @Spec
  @Nullable CommandSpec spec;

  @Mixin
  SettingsOptions settingsOptions = new SettingsOptions();

  @Mixin
  RequestOptions requestOptions = new RequestOptions();

  @Option(names = "--players", paramLabel = "N[,N...]",
      description = "Players counts to measure, comma-separated (default " + BenchCommand.DEFAULT_PLAYERS + ").")
  String players = BenchCommand.DEFAULT_PLAYERS;

  @Option(names = "--strategies", paramLabel = "S[,S...]",
      description = "The library's strategies: batch, chunked[:SIZE] (default 100), per-player, adaptive[:SIZE];"
          + " parallelism from the settings (default 4). Default " + DEFAULT_STRATEGIES + ".")
  String strategies = DEFAULT_STRATEGIES;

  @Option(names = "--rounds", paramLabel = "N",
      description = "Measured rounds after one warm-up round (default " + DEFAULT_ROUNDS + ").")
  String rounds = Integer.toString(DEFAULT_ROUNDS);

  @Option(names = "--proxy-stats", paramLabel = "URL",
      description = "The control URL of scripts/latency-proxy.py in front of bigquery.host, e.g. " + PROXY_EXAMPLE
          + ": its counts are reset before each load and read after it.")
  @Nullable String proxyStats;

  @Option(names = "--format", paramLabel = "text|json", description = "Output: text (default) or json.")
  String format = "text";

  /** With the bare BigQuery client built from the settings and the latency proxy's HTTP counts. */
  CompareCommand(CliContext context) {
    this(context, CompareCommand::bareClient, ProxyStats::new);
  }

  /** With the given bare client and request counter factories (tests). */
  CompareCommand(CliContext context, Function<LoaderSettings, BareClient> bareClients,
      Function<URI, RequestCounter> requestCounters) {
    this.context = context;
    this.bareClients = bareClients;
    this.requestCounters = requestCounters;
  }

  /** Runs the library's statement the way a user of google-cloud-bigquery would, outside the library. */
  interface BareClient {

    /**
     * Runs {@code sql} with the request's window, players and max games as named parameters and
     * reads every row of the result.
     *
     * @return the rows read
     * @throws RuntimeException when BigQuery fails the query
     */
    long rows(String sql, LoadRequest request) throws InterruptedException;
  }

  /** The HTTP requests seen by the latency proxy. */
  interface RequestCounter {

    /** Zeroes the counts. */
    void reset();

    /** The counts since the last reset. */
    RequestCounts read();

    /**
     * When the proxy's asynchronous jobs created at or after {@code sinceEpochMillis} ended, in
     * epoch milliseconds; empty when the proxy models no jobs.
     */
    default List<Long> jobEnds(long sinceEpochMillis) {
      return List.of();
    }
  }

  /**
   * HTTP requests counted by the proxy.
   *
   * @param requests all of them
   * @param byKind by method and normalised path, e.g. {@code GET /bigquery/v2/projects/test/queries/{job}}
   */
  record RequestCounts(long requests, Map<String, Long> byKind) {

    /** Copies the map. */
    RequestCounts {
      byKind = Collections.unmodifiableMap(new TreeMap<>(byKind));
    }
  }

  /** One side of the comparison: the bare client ({@code candidate} null) or a strategy of the library. */
  record Side(String name, String describe, BenchCommand.@Nullable Candidate candidate) {

    static final Side BARE_SIDE = new Side(BARE, BARE, null);

    static Side of(BenchCommand.Candidate candidate) {
      return new Side(candidate.spec(), candidate.strategy().describe(), candidate);
    }

    boolean bare() {
      return candidate == null;
    }
  }

  /**
   * What one side measured for one players count, over its successful runs; failed runs are only
   * counted.
   *
   * @param players the players count
   * @param side the side's name: {@value #BARE} or the strategy as given
   * @param describe the side as printed: {@value #BARE} or the strategy's description
   * @param millis the wall time of each successful run
   * @param rows the rows of each successful run
   * @param requests the HTTP requests of each successful run; empty without a proxy
   * @param requestsByKind the HTTP requests by kind of each successful run; empty without a proxy
   * @param failedRuns measured runs that failed
   * @param firstFailure what went wrong in the first failed run, if any
   * @param afterJobEnd per successful run behind the proxy's asynchronous model, the milliseconds from
   *     the end of its last job to its answer; empty otherwise
   */
  record Measurement(int players, String side, String describe, List<Double> millis, List<Long> rows,
      List<Long> requests, List<Map<String, Long>> requestsByKind, int failedRuns, @Nullable String firstFailure,
      List<Double> afterJobEnd) {

    /** Copies the lists. */
    Measurement {
      millis = List.copyOf(millis);
      rows = List.copyOf(rows);
      requests = List.copyOf(requests);
      requestsByKind = requestsByKind.stream().map(Map::copyOf).toList();
      afterJobEnd = List.copyOf(afterJobEnd);
    }

    /** Without times after the jobs' end. */
    Measurement(int players, String side, String describe, List<Double> millis, List<Long> rows,
        List<Long> requests, List<Map<String, Long>> requestsByKind, int failedRuns, @Nullable String firstFailure) {
      this(players, side, describe, millis, rows, requests, requestsByKind, failedRuns, firstFailure, List.of());
    }

    /** The median milliseconds from the last job's end to the answer; empty without such runs. */
    OptionalDouble medianAfterJobEnd() {
      return afterJobEnd.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(BenchCommand.median(afterJobEnd));
    }

    boolean bare() {
      return BARE.equals(side);
    }

    /** The median wall time; empty without a successful run. */
    OptionalDouble median() {
      return millis.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(BenchCommand.median(millis));
    }

    OptionalDouble min() {
      return millis.stream().mapToDouble(Double::doubleValue).min();
    }

    OptionalDouble max() {
      return millis.stream().mapToDouble(Double::doubleValue).max();
    }

    /** The median rows per run; empty without a successful run. */
    OptionalDouble medianRows() {
      return medianOf(rows);
    }

    /** The median HTTP requests per run; empty without a proxy or a successful run. */
    OptionalDouble medianRequests() {
      return medianOf(requests);
    }

    /** The median count of each kind of request per run, a kind missing from a run counting 0. */
    Map<String, Double> medianRequestsByKind() {
      TreeSet<String> kinds = new TreeSet<>();
      requestsByKind.forEach(counts -> kinds.addAll(counts.keySet()));
      Map<String, Double> medians = new LinkedHashMap<>();
      for (String kind : kinds) {
        medians.put(kind, BenchCommand.median(
            requestsByKind.stream().map(counts -> counts.getOrDefault(kind, 0L).doubleValue()).toList()));
      }
      return medians;
    }

    private static OptionalDouble medianOf(List<Long> values) {
      return values.isEmpty() ? OptionalDouble.empty()
          : OptionalDouble.of(BenchCommand.median(values.stream().map(Long::doubleValue).toList()));
    }
  }

  /** One run of one side: its wall time, rows, requests and time after its last job's end, or why it failed. */
  private record Run(double millis, long rows, @Nullable RequestCounts counts, @Nullable Double afterJobEnd,
      @Nullable String failure) {}

  /** The runs of one side for one players count, as they come. */
  private static final class Series {
    private final int players;
    private final Side side;
    private final List<Double> millis = new ArrayList<>();
    private final List<Long> rows = new ArrayList<>();
    private final List<Long> requests = new ArrayList<>();
    private final List<Map<String, Long>> requestsByKind = new ArrayList<>();
    private final List<Double> afterJobEnd = new ArrayList<>();
    private int failed;
    private @Nullable String firstFailure;

    Series(int players, Side side) {
      this.players = players;
      this.side = side;
    }

    void add(Run run) {
      if (run.failure() != null) {
        failed++;
        if (firstFailure == null) {
          firstFailure = run.failure();
        }
        return;
      }
      millis.add(run.millis());
      rows.add(run.rows());
      if (run.counts() != null) {
        requests.add(run.counts().requests());
        requestsByKind.add(run.counts().byKind());
      }
      if (run.afterJobEnd() != null) {
        afterJobEnd.add(run.afterJobEnd());
      }
    }

    Measurement measurement() {
      return new Measurement(players, side.name(), side.describe(), millis, rows, requests, requestsByKind, failed,
          firstFailure, afterJobEnd);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    OutputFormat outputFormat = OutputFormat.parse(format);
    List<Integer> counts = BenchCommand.counts(players);
    int roundCount = RequestOptions.parseCount("--rounds", rounds, 1, MAX_ROUNDS);
    if (requestOptions.date != null) {
      RequestOptions.parseDate("--date", requestOptions.date);
    }
    URI proxy = proxyStats == null ? null : proxyUri(proxyStats);
    SettingsSources.Resolved sources = settingsOptions.resolve(context);
    LoaderSettings base = sources.settings();
    if (!BigQueryGamesQuery.NAME.equals(base.backend())) {
      throw new UsageException("backend: compare needs backend=bigquery (it measures the BigQuery backend against"
          + " the bare client); got '" + base.backend() + "'");
    }
    List<Side> sides = new ArrayList<>();
    sides.add(Side.BARE_SIDE);
    BenchCommand.candidates(strategies, BenchCommand.parallelism(base.strategy())).forEach(c -> sides.add(Side.of(c)));

    BenchCommand.Slate slate = BenchCommand.Slate.probe(base, sources, context, requestOptions, counts);
    LocalDate date = slate.date();
    Map<Integer, List<String>> lookups = slate.lookups();
    String backendDescription = slate.backend();
    String sql = sql(base);
    RequestCounter counter = proxy == null ? null : requestCounters.apply(proxy);
    if (counter != null) {
      try {
        counter.reset();
      } catch (RuntimeException e) {
        throw new UsageException("--proxy-stats: cannot reach the proxy (" + describe(e) + "); got '" + proxyStats
            + "'", e);
      }
    }
    BareClient bare = bareClients.apply(base);

    Map<String, HistoricalGamesLoader> loaders = new LinkedHashMap<>();
    Map<String, Series> series = new LinkedHashMap<>();
    Progress progress = Progress.of(context, Hgl.err(spec));
    try {
      for (Side side : sides) {
        if (!side.bare()) {
          LoaderSettings settings = base.toBuilder().strategy(side.candidate().strategy()).build();
          loaders.put(side.name(), Backend.open(settings, sources, context).loader(settings));
        }
      }
      for (int count : counts) {
        for (Side side : sides) {
          series.put(key(count, side), new Series(count, side));
        }
      }
      for (int round = 0; round <= roundCount; round++) {
        List<Side> order = order(sides, round);
        String label = round == 0 ? "warm-up" : "round " + round + "/" + roundCount;
        for (int count : counts) {
          LoadRequest request = LoadRequest.builder(date, base).players(lookups.get(count)).build();
          for (Side side : order) {
            progress.show("hgl compare: " + label + ", " + TextReport.count(count, "player") + ", " + side.name());
            Run run = side.bare() ? runBare(bare, sql, request, counter)
                : runLoader(loaders.get(side.name()), request, counter);
            if (round == 0) {
              if (run.failure() != null) {
                throw new IllegalStateException("the warm-up round failed: " + TextReport.count(count, "player") + ", "
                    + side.name() + ": " + run.failure());
              }
            } else {
              series.get(key(count, side)).add(run);
            }
          }
        }
      }
    } finally {
      progress.done();
      loaders.values().forEach(HistoricalGamesLoader::close);
    }

    List<Measurement> measurements = series.values().stream().map(Series::measurement).toList();
    PrintWriter out = Hgl.out(spec);
    if (outputFormat == OutputFormat.JSON) {
      out.println(json(backendDescription, date, roundCount, proxyStats, measurements).toPrettyString());
    } else {
      text(out, backendDescription, date, roundCount, proxyStats, measurements);
    }
    out.flush();
    return measurements.stream().anyMatch(m -> m.failedRuns() > 0) ? Hgl.EXIT_INCOMPLETE : Hgl.EXIT_OK;
  }

  /** The sides in the order they run in a round: as given in even rounds (the warm-up is 0), reversed in odd ones. */
  static List<Side> order(List<Side> sides, int round) {
    if (round % 2 == 0) {
      return sides;
    }
    List<Side> reversed = new ArrayList<>(sides);
    Collections.reverse(reversed);
    return reversed;
  }

  private static String key(int count, Side side) {
    return count + " " + side.name();
  }

  /** The library's statement for these settings, as {@code hgl explain} prints it. */
  private static String sql(LoaderSettings settings) {
    BigQueryGamesQuery query = BigQueryGamesQuery.builder().fromSettings(settings).build();
    try {
      return query.sql();
    } finally {
      query.close();
    }
  }

  private static Run runBare(BareClient bare, String sql, LoadRequest request, @Nullable RequestCounter counter)
      throws InterruptedException {
    resetCounts(counter);
    long startEpoch = System.currentTimeMillis();
    long start = System.nanoTime();
    long rows;
    try {
      rows = bare.rows(sql, request);
    } catch (RuntimeException e) {
      return new Run(0, 0, null, null, e.getClass().getSimpleName() + ": " + describe(e));
    }
    double millis = (System.nanoTime() - start) / 1_000_000.0;
    long endEpoch = System.currentTimeMillis();
    return new Run(millis, rows, readCounts(counter), afterJobEnd(counter, startEpoch, endEpoch), null);
  }

  private static Run runLoader(HistoricalGamesLoader loader, LoadRequest request, @Nullable RequestCounter counter) {
    resetCounts(counter);
    long startEpoch = System.currentTimeMillis();
    long start = System.nanoTime();
    LoadResult result;
    try {
      result = loader.load(request);
    } catch (RuntimeException e) {
      return new Run(0, 0, null, null, e.getClass().getSimpleName() + ": " + describe(e));
    }
    double millis = (System.nanoTime() - start) / 1_000_000.0;
    long endEpoch = System.currentTimeMillis();
    RequestCounts counts = readCounts(counter);
    if (!result.isComplete()) {
      Map.Entry<String, LoaderException> first = result.failures().entrySet().iterator().next();
      return new Run(millis, 0, counts, null, result.failures().size() + " of "
          + TextReport.count(request.players().size(), "player") + " failed; first " + first.getKey() + ": "
          + first.getValue().kind() + ": "
          + describe(first.getValue()));
    }
    long rows = result.loaded().values().stream().mapToLong(List::size).sum();
    return new Run(millis, rows, counts, afterJobEnd(counter, startEpoch, endEpoch), null);
  }

  /** Milliseconds from the end of the run's last asynchronous job to its answer; null without such jobs. */
  private static @Nullable Double afterJobEnd(@Nullable RequestCounter counter, long startEpoch, long endEpoch) {
    if (counter == null) {
      return null;
    }
    List<Long> ends = counter.jobEnds(startEpoch);
    return ends.isEmpty() ? null : (double) (endEpoch - Collections.max(ends));
  }

  private static void resetCounts(@Nullable RequestCounter counter) {
    if (counter != null) {
      counter.reset();
    }
  }

  private static @Nullable RequestCounts readCounts(@Nullable RequestCounter counter) {
    return counter == null ? null : counter.read();
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getName() : firstLine(message);
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).stripTrailing();
  }

  /** Parses {@code --proxy-stats}: an http URL with a host, no query or fragment. */
  static URI proxyUri(String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new UsageException("--proxy-stats: must be the latency proxy's control URL, like " + PROXY_EXAMPLE
          + "; got '" + text + "'", e);
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new UsageException("--proxy-stats", "must be the latency proxy's control URL, like " + PROXY_EXAMPLE,
          text);
    }
    return uri;
  }

  // --- output ------------------------------------------------------------------------------------

  /** The tables, one per players count, in the order the counts were given. */
  static void text(PrintWriter out, String backend, LocalDate date, int roundCount, @Nullable String proxy,
      List<Measurement> measurements) {
    out.printf(Locale.ROOT, "hgl compare: %s; game date %s; %d measured %s after 1 warm-up, interleaved%n", backend,
        date, roundCount, roundCount == 1 ? "round" : "rounds");
    int width = Math.max(8, measurements.stream().mapToInt(m -> m.describe().length()).max().orElse(0));
    String header = "  %-" + width + "s  %9s  %15s  %8s  %8s  %6s  %6s%n";
    String row = "  %-" + width + "s  %9s  %15s  %8s  %8s  %6d  %6s%n";
    for (int players : playersCounts(measurements)) {
      List<Measurement> table = measurements.stream().filter(m -> m.players() == players).toList();
      Measurement bare = table.stream().filter(Measurement::bare).findFirst().orElse(null);
      out.println();
      out.printf(Locale.ROOT, "%d players%n", players);
      out.printf(Locale.ROOT, header, "side", "median ms", "min-max ms", "rows", "requests", "failed", "x bare");
      for (Measurement m : table) {
        OptionalDouble ratio = ratio(m, bare);
        out.printf(Locale.ROOT, row, m.describe(), millis(m.median()), range(m), count(m.medianRows()),
            count(m.medianRequests()), m.failedRuns(),
            ratio.isPresent() ? String.format(Locale.ROOT, "%.2f", ratio.getAsDouble()) : "-");
      }
      if (table.stream().anyMatch(m -> !m.requestsByKind().isEmpty())) {
        out.println();
        out.println("  requests by kind, median per load");
        for (Measurement m : table) {
          String name = m.describe();
          for (Map.Entry<String, Double> kind : m.medianRequestsByKind().entrySet()) {
            out.printf(Locale.ROOT, "    %-" + width + "s  %6s  %s%n", name, count(OptionalDouble.of(kind.getValue())),
                kind.getKey());
            name = "";
          }
        }
      }
      if (table.stream().anyMatch(m -> m.medianAfterJobEnd().isPresent())) {
        out.println();
        out.println("  from the end of the load's last job to its answer (the proxy's jobs), median ms");
        for (Measurement m : table) {
          out.printf(Locale.ROOT, "    %-" + width + "s  %8s%n", m.describe(), millis(m.medianAfterJobEnd()));
        }
      }
      for (Measurement m : table) {
        if (!rowsMatch(m, bare).orElse(true)) {
          out.printf(Locale.ROOT, "  %s: median rows %s differ from bare's %s%n", m.describe(), count(m.medianRows()),
              count(bare.medianRows()));
        }
        if (m.firstFailure() != null) {
          out.printf(Locale.ROOT, "  %s: %d of %d measured %s failed; first: %s%n", m.describe(), m.failedRuns(),
              roundCount, m.bare() ? "queries" : "loads", m.firstFailure());
        }
      }
    }
    out.println();
    out.println("  bare: google-cloud-bigquery's BigQuery.query() on the library's SQL and parameters, reading every"
        + " row of iterateAll()");
    out.println("  wall time per load; rows and requests: the median per load; requests: HTTP requests "
        + (proxy == null ? "(- without --proxy-stats)" : "counted by the proxy at " + proxy));
    out.println("  failed: measured runs that failed, left out of the other columns (a load fails when any player"
        + " fails)");
    out.println("  x bare: median / bare's median for the same players count");
  }

  static ObjectNode json(String backend, LocalDate date, int roundCount, @Nullable String proxy,
      List<Measurement> measurements) {
    ObjectNode root = JsonReport.MAPPER.createObjectNode();
    root.put("backend", backend);
    root.put("gameDate", date.toString());
    root.put("warmups", 1);
    root.put("rounds", roundCount);
    if (proxy == null) {
      root.putNull("proxyStats");
    } else {
      root.put("proxyStats", proxy);
    }
    ArrayNode results = root.putArray("results");
    for (Measurement m : measurements) {
      Measurement bare = measurements.stream().filter(o -> o.players() == m.players() && o.bare()).findFirst()
          .orElse(null);
      ObjectNode node = results.addObject();
      node.put("players", m.players());
      node.put("side", m.side());
      node.put("describe", m.describe());
      putNumber(node, "medianMs", m.median());
      putNumber(node, "minMs", m.min());
      putNumber(node, "maxMs", m.max());
      ArrayNode all = node.putArray("runsMs");
      m.millis().forEach(all::add);
      putNumber(node, "medianRows", m.medianRows());
      putNumber(node, "medianRequests", m.medianRequests());
      ObjectNode kinds = node.putObject("medianRequestsByKind");
      m.medianRequestsByKind().forEach(kinds::put);
      putNumber(node, "medianAfterJobEndMs", m.medianAfterJobEnd());
      node.put("failedRuns", m.failedRuns());
      if (m.firstFailure() == null) {
        node.putNull("firstFailure");
      } else {
        node.put("firstFailure", m.firstFailure());
      }
      putNumber(node, "ratioToBare", ratio(m, bare));
      Optional<Boolean> rowsMatch = rowsMatch(m, bare);
      if (rowsMatch.isPresent()) {
        node.put("rowsMatchBare", rowsMatch.get());
      } else {
        node.putNull("rowsMatchBare");
      }
    }
    return root;
  }

  private static void putNumber(ObjectNode node, String field, OptionalDouble value) {
    if (value.isPresent()) {
      node.put(field, value.getAsDouble());
    } else {
      node.putNull(field);
    }
  }

  private static List<Integer> playersCounts(List<Measurement> measurements) {
    List<Integer> counts = new ArrayList<>();
    measurements.forEach(m -> {
      if (!counts.contains(m.players())) {
        counts.add(m.players());
      }
    });
    return counts;
  }

  /** The median over bare's median; empty when either has no successful run. */
  static OptionalDouble ratio(Measurement m, @Nullable Measurement bare) {
    if (bare == null || bare.median().isEmpty() || m.median().isEmpty()) {
      return OptionalDouble.empty();
    }
    double reference = bare.median().getAsDouble();
    return OptionalDouble.of(reference <= 0 ? 1.0 : m.median().getAsDouble() / reference);
  }

  /** Whether the median rows equal bare's; empty when either has no successful run. */
  static Optional<Boolean> rowsMatch(Measurement m, @Nullable Measurement bare) {
    if (bare == null || bare.medianRows().isEmpty() || m.medianRows().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(m.medianRows().getAsDouble() == bare.medianRows().getAsDouble());
  }

  private static String millis(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%.1f", value.getAsDouble()) : "-";
  }

  private static String range(Measurement m) {
    return m.min().isPresent()
        ? String.format(Locale.ROOT, "%.1f-%.1f", m.min().getAsDouble(), m.max().getAsDouble()) : "-";
  }

  /** A median count: whole, or with one decimal when it lies between two. */
  static String count(OptionalDouble median) {
    if (median.isEmpty()) {
      return "-";
    }
    double value = median.getAsDouble();
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
  }

  // --- the bare client and the proxy's counts ----------------------------------------------------

  /**
   * A bare client as a user would build one from the same settings: {@code bigquery.host} with no
   * credentials (an emulator or a proxy), else {@code bigquery.credentials} or Application Default
   * Credentials; the jobs' project, and their location when the settings give one; otherwise the
   * client's defaults.
   */
  static BareClient bareClient(LoaderSettings settings) {
    Map<String, String> properties = settings.backendProperties();
    BigQueryGamesQuery query = BigQueryGamesQuery.builder().fromSettings(settings).build();
    String table = query.table();
    query.close();
    String project = properties.getOrDefault("bigquery.project", table.substring(0, table.indexOf('.')));
    BigQueryOptions.Builder options = BigQueryOptions.newBuilder().setProjectId(project);
    // A location only when the settings give one, as the library sends it: BigQuery otherwise finds it from the table.
    String location = properties.get("bigquery.location");
    if (location != null) {
      options.setLocation(location);
    }
    String host = properties.get("bigquery.host");
    String credentials = properties.get("bigquery.credentials");
    if (host != null) {
      options.setHost(host).setCredentials(NoCredentials.getInstance());
    } else if (credentials != null) {
      try (InputStream in = Files.newInputStream(Path.of(credentials))) {
        options.setCredentials(GoogleCredentials.fromStream(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read bigquery.credentials " + credentials, e);
      }
    }
    BigQuery bigquery = options.build().getService();
    return (sql, request) -> {
      QueryJobConfiguration config = QueryJobConfiguration.newBuilder(sql)
          .setUseLegacySql(false)
          .addNamedParameter("window_start", QueryParameterValue.date(request.windowStart().toString()))
          .addNamedParameter("window_end", QueryParameterValue.date(request.windowEnd().toString()))
          .addNamedParameter("players",
              QueryParameterValue.array(request.players().toArray(new String[0]), StandardSQLTypeName.STRING))
          .addNamedParameter("max_games", QueryParameterValue.int64((long) request.maxGames()))
          .build();
      TableResult result = bigquery.query(config);
      long rows = 0;
      for (FieldValueList ignored : result.iterateAll()) {
        rows++;
      }
      return rows;
    };
  }

  /**
   * The counts of {@code scripts/latency-proxy.py}: {@code GET <url>/stats}, {@code POST <url>/reset};
   * its asynchronous jobs: {@code GET <url>/jobs}.
   */
  static final class ProxyStats implements RequestCounter {

    private final URI stats;
    private final URI reset;
    private final URI jobs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROXY_TIMEOUT).build();

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
    public RequestCounts read() {
      JsonNode root;
      String body = send(HttpRequest.newBuilder(stats).timeout(PROXY_TIMEOUT).GET().build());
      try {
        root = JsonReport.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("the proxy's stats at " + stats + " are not JSON", e);
      }
      Map<String, Long> byKind = new TreeMap<>();
      root.path("by_kind").properties().forEach(e -> byKind.put(e.getKey(), e.getValue().asLong()));
      return new RequestCounts(root.path("requests").asLong(), byKind);
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
        throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + describe(e), e);
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
}
