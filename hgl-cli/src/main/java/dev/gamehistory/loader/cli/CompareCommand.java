package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.bigquery.BigQueryGamesQuery;
import dev.gamehistory.loader.cli.Comparison.Measurement;
import dev.gamehistory.loader.cli.Comparison.Side;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.SettingsSources;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>This class reads the options and sets the comparison up; {@link Comparison} runs the rounds,
 * {@link CompareTable} prints them, {@link BareClient} is the baseline and {@link ProxyStats} counts
 * the HTTP requests.
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
  /** What {@code --proxy-stats} looks like. */
  static final String PROXY_EXAMPLE = "http://127.0.0.1:19160/__proxy";

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
      description = "Players counts to measure, comma-separated (default " + Slate.DEFAULT_PLAYERS + ").")
  String players = Slate.DEFAULT_PLAYERS;

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
    this(context, BareClient::fromSettings, ProxyStats::new);
  }

  /** With the given bare client and request counter factories (tests). */
  CompareCommand(CliContext context, Function<LoaderSettings, BareClient> bareClients,
      Function<URI, RequestCounter> requestCounters) {
    this.context = context;
    this.bareClients = bareClients;
    this.requestCounters = requestCounters;
  }

  @Override
  public Integer call() throws InterruptedException {
    OutputFormat outputFormat = OutputFormat.parse(format);
    List<Integer> counts = Slate.counts(players);
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
    Candidate.parse(strategies, Candidate.parallelism(base.strategy())).forEach(c -> sides.add(Side.of(c)));

    Slate slate = Slate.probe(base, sources, context, requestOptions, counts);
    LocalDate date = slate.date();
    Map<Integer, List<String>> lookups = slate.lookups();
    String backendDescription = slate.backend();
    String sql = sql(base);
    RequestCounter counter = proxy == null ? null : requestCounters.apply(proxy);
    if (counter != null) {
      try {
        counter.reset();
      } catch (RuntimeException e) {
        throw new UsageException("--proxy-stats: cannot reach the proxy (" + Messages.describe(e) + "); got '"
            + proxyStats + "'", e);
      }
    }
    BareClient bare = bareClients.apply(base);

    Map<String, HistoricalGamesLoader> loaders = new LinkedHashMap<>();
    List<Measurement> measurements;
    Progress progress = Progress.of(context, Hgl.err(spec));
    try {
      for (Side side : sides) {
        if (!side.bare()) {
          LoaderSettings settings = base.toBuilder().strategy(side.candidate().strategy()).build();
          loaders.put(side.name(), Backend.open(settings, sources, context).loader(settings));
        }
      }
      measurements = new Comparison(sides, bare, sql, loaders, counter, progress).run(date, base, lookups, roundCount);
    } finally {
      progress.done();
      loaders.values().forEach(HistoricalGamesLoader::close);
    }

    PrintWriter out = Hgl.out(spec);
    if (outputFormat == OutputFormat.JSON) {
      out.println(CompareTable.json(backendDescription, date, roundCount, proxyStats, measurements).toPrettyString());
    } else {
      CompareTable.text(out, backendDescription, date, roundCount, proxyStats, measurements);
    }
    out.flush();
    return measurements.stream().anyMatch(m -> m.failedRuns() > 0) ? Hgl.EXIT_INCOMPLETE : Hgl.EXIT_OK;
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
}
