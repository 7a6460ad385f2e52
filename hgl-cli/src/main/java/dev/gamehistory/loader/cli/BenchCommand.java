package dev.gamehistory.loader.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.SettingsSources;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hgl bench}: warms up every combination of players count and strategy ({@code --warmups}
 * rounds of all of them, so that the strategy measured first does not pay for the JVM's warm-up),
 * then measures {@code --runs} rounds of all of them, each round in a rotated order; prints the
 * median, min and max wall time, queries and failures, each median's ratio to the fastest
 * strategy's for the same players count, and each combination's spread, marking and warning about
 * those whose runs spread widely (max - min above {@value #WIDE_SPREAD_PERCENT}% of the median).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Hgl.Version.class,
    header = "Compares strategies: wall time, queries and failures per players count.",
    description = {
        "Warms up every players count and strategy (--warmups rounds of all of them) before measuring any, then",
        "measures --runs rounds, each in a rotated order; prints median, min and max wall time, queries, failed",
        "players and the ratio to the fastest strategy without failures, and warns where runs spread widely.",
        "Exit codes: 0 no player failed, 3 some load had failed players, 2 bad usage or settings, 1 other errors."})
final class BenchCommand implements Callable<Integer> {

  /** The strategies measured by default. */
  static final String DEFAULT_STRATEGIES = "batch,chunked:100,per-player,adaptive";
  /** The most measured runs per combination. */
  static final int MAX_RUNS = 1000;
  /** The most warm-up rounds. */
  static final int MAX_WARMUPS = 100;
  /** A combination's runs spread widely when max - min exceeds this share of their median, in percent. */
  static final int WIDE_SPREAD_PERCENT = 50;

  private final CliContext context;

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
      description = "Strategies: batch, chunked[:SIZE] (default 100), per-player, adaptive[:SIZE] (first chunk,"
          + " default all); parallelism from the settings (default 4). Default " + DEFAULT_STRATEGIES + ".")
  String strategies = DEFAULT_STRATEGIES;

  @Option(names = "--runs", paramLabel = "N", description = "Measured loads per combination (default 5).")
  String runs = "5";

  @Option(names = "--warmups", paramLabel = "N",
      description = "Warm-up rounds of every combination before any is measured (default 3).")
  String warmups = "3";

  @Option(names = "--format", paramLabel = "text|json", description = "Output: text (default) or json.")
  String format = "text";

  BenchCommand(CliContext context) {
    this.context = context;
  }

  /** The measurements of one players count and strategy. */
  record Measurement(int players, Candidate candidate, List<Double> millis, List<Integer> queries, long failedPlayers,
      int loadsWithFailures) {

    double median() {
      return Medians.median(millis);
    }

    double min() {
      return millis.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    double max() {
      return millis.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    double medianQueries() {
      return Medians.median(queries.stream().map(Integer::doubleValue).toList());
    }

    /** (max - min) / median; 0 for a median of 0. */
    double spread() {
      double median = median();
      return median <= 0 ? 0 : (max() - min()) / median;
    }

    /** Whether the runs spread widely: max - min above {@value BenchCommand#WIDE_SPREAD_PERCENT}% of the median. */
    boolean wideSpread() {
      return spread() * 100 > WIDE_SPREAD_PERCENT;
    }
  }

  /** The measurements of one combination, as they come in. */
  private static final class Series {
    final List<Double> millis = new ArrayList<>();
    final List<Integer> queries = new ArrayList<>();
    long failed;
    int failedLoads;
  }

  @Override
  public Integer call() {
    OutputFormat outputFormat = OutputFormat.parse(format);
    List<Integer> counts = Slate.counts(players);
    int runCount = RequestOptions.parseCount("--runs", runs, 1, MAX_RUNS);
    int warmupCount = RequestOptions.parseCount("--warmups", warmups, 0, MAX_WARMUPS);
    if (requestOptions.date != null) {
      RequestOptions.parseDate("--date", requestOptions.date);
    }
    SettingsSources.Resolved sources = settingsOptions.resolve(context);
    LoaderSettings base = sources.settings();
    List<Candidate> candidates = Candidate.parse(strategies, Candidate.parallelism(base.strategy()));

    Slate slate = Slate.probe(base, sources, context, requestOptions, counts);
    LocalDate date = slate.date();
    Map<Integer, List<String>> lookups = slate.lookups();
    String backendDescription = slate.backend();

    Progress progress = Progress.of(context, Hgl.err(spec));
    Map<Candidate, HistoricalGamesLoader> loaders = new LinkedHashMap<>();
    List<Measurement> measurements = new ArrayList<>();
    try {
      for (Candidate candidate : candidates) {
        LoaderSettings settings = base.toBuilder().strategy(candidate.strategy()).build();
        loaders.put(candidate, Backend.open(settings, sources, context).loader(settings));
      }
      List<Combination> combinations = new ArrayList<>();
      for (int count : counts) {
        for (Candidate candidate : candidates) {
          LoaderSettings settings = base.toBuilder().strategy(candidate.strategy()).build();
          combinations.add(new Combination(count, candidate, LoadRequest.builder(date, settings).players(lookups.get(count)).build()));
        }
      }
      for (int round = 1; round <= warmupCount; round++) {
        for (Combination combination : rotated(combinations, round)) {
          progress.show("hgl bench: " + TextReport.count(combination.players(), "player") + ", "
              + combination.candidate().spec() + ", warm-up " + round + "/" + warmupCount);
          loaders.get(combination.candidate()).load(combination.request());
        }
      }
      Map<Combination, Series> series = new LinkedHashMap<>();
      combinations.forEach(combination -> series.put(combination, new Series()));
      for (int run = 1; run <= runCount; run++) {
        for (Combination combination : rotated(combinations, run - 1)) {
          progress.show("hgl bench: " + TextReport.count(combination.players(), "player") + ", "
              + combination.candidate().spec() + ", run " + run + "/" + runCount);
          long start = System.nanoTime();
          LoadResult result = loaders.get(combination.candidate()).load(combination.request());
          Series measured = series.get(combination);
          measured.millis.add((System.nanoTime() - start) / 1_000_000.0);
          measured.queries.add(result.report().queryCount());
          measured.failed += result.failures().size();
          measured.failedLoads += result.isComplete() ? 0 : 1;
        }
      }
      series.forEach((combination, measured) -> measurements.add(new Measurement(combination.players(),
          combination.candidate(), measured.millis, measured.queries, measured.failed, measured.failedLoads)));
    } finally {
      progress.done();
      loaders.values().forEach(HistoricalGamesLoader::close);
    }
    measurements.sort((a, b) -> Integer.compare(a.players(), b.players()));
    PrintWriter out = Hgl.out(spec);
    if (outputFormat == OutputFormat.JSON) {
      out.println(json(backendDescription, date, warmupCount, runCount, measurements).toPrettyString());
    } else {
      text(out, backendDescription, date, warmupCount, runCount, measurements);
    }
    out.flush();
    return measurements.stream().anyMatch(m -> m.failedPlayers() > 0) ? Hgl.EXIT_INCOMPLETE : Hgl.EXIT_OK;
  }

  /** One players count and strategy, with its request. */
  private record Combination(int players, Candidate candidate, LoadRequest request) {}

  /** The combinations starting at {@code shift} (modulo their number), so that none always goes first. */
  private static List<Combination> rotated(List<Combination> combinations, int shift) {
    List<Combination> order = new ArrayList<>(combinations);
    Collections.rotate(order, -(shift % Math.max(1, order.size())));
    return order;
  }

  private static void text(PrintWriter out, String backend, LocalDate date, int warmupCount, int runCount,
      List<Measurement> measurements) {
    out.printf(Locale.ROOT, "hgl bench: %s; game date %s; %s per row after %s of every row%n", backend, date,
        TextReport.count(runCount, "measured load"), TextReport.count(warmupCount, "warm-up round"));
    out.println();
    int width = Math.max(8, measurements.stream().mapToInt(m -> m.candidate().strategy().describe().length())
        .max().orElse(0));
    String header = "  %7s  %-" + width + "s  %10s  %9s  %9s  %7s  %8s  %7s  %9s%n";
    out.printf(Locale.ROOT, header, "players", "strategy", "median ms", "min ms", "max ms", "spread", "queries",
        "failed", "x fastest");
    String row = "  %7d  %-" + width + "s  %10.1f  %9.1f  %9.1f  %7s  %8s  %7d  %9s%n";
    for (Measurement m : measurements) {
      OptionalDouble ratio = ratio(m, measurements);
      out.printf(Locale.ROOT, row, m.players(), m.candidate().strategy().describe(), m.median(), m.min(), m.max(),
          String.format(Locale.ROOT, "%.0f%%%s", m.spread() * 100, m.wideSpread() ? "!" : ""),
          queries(m.medianQueries()), m.failedPlayers(),
          ratio.isPresent() ? String.format(Locale.ROOT, "%.2f", ratio.getAsDouble()) : "-");
    }
    out.println();
    out.println("  wall time per load; spread: (max - min) / median; queries: the median per load; failed: failed"
        + " players over all measured loads;");
    out.println("  x fastest: median / the fastest median for the same players count among strategies with no failed"
        + " player");
    long wide = measurements.stream().filter(Measurement::wideSpread).count();
    if (wide > 0) {
      out.printf(Locale.ROOT, "warning: %d of %s spread widely (marked !: max - min above %d%% of the median); take"
          + " their figures as noise: more --runs or --warmups, or a quieter machine%n", wide,
          TextReport.count(measurements.size(), "row"), WIDE_SPREAD_PERCENT);
    }
  }

  private static ObjectNode json(String backend, LocalDate date, int warmupCount, int runCount,
      List<Measurement> measurements) {
    ObjectNode root = JsonReport.MAPPER.createObjectNode();
    root.put("backend", backend);
    root.put("gameDate", date.toString());
    root.put("warmups", warmupCount);
    root.put("runs", runCount);
    ArrayNode results = root.putArray("results");
    for (Measurement m : measurements) {
      ObjectNode node = results.addObject();
      node.put("players", m.players());
      node.put("strategy", m.candidate().spec());
      node.put("describe", m.candidate().strategy().describe());
      node.put("medianMs", m.median());
      node.put("minMs", m.min());
      node.put("maxMs", m.max());
      ArrayNode all = node.putArray("runsMs");
      m.millis().forEach(all::add);
      node.put("spread", m.spread());
      node.put("wideSpread", m.wideSpread());
      node.put("medianQueries", m.medianQueries());
      node.put("failedPlayers", m.failedPlayers());
      node.put("loadsWithFailures", m.loadsWithFailures());
      OptionalDouble ratio = ratio(m, measurements);
      if (ratio.isPresent()) {
        node.put("ratioToFastest", ratio.getAsDouble());
      } else {
        node.putNull("ratioToFastest");
      }
    }
    return root;
  }

  /**
   * The median over the fastest median among the combinations of the same players count in which
   * no player failed (a load that fails fast is not fast); empty when every one of them failed.
   */
  private static OptionalDouble ratio(Measurement m, List<Measurement> all) {
    OptionalDouble fastest = all.stream()
        .filter(o -> o.players() == m.players() && o.failedPlayers() == 0)
        .mapToDouble(Measurement::median)
        .min();
    if (fastest.isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(fastest.getAsDouble() <= 0 ? 1.0 : m.median() / fastest.getAsDouble());
  }

  private static String queries(double median) {
    return median == Math.rint(median) ? Long.toString((long) median) : String.format(Locale.ROOT, "%.1f", median);
  }
}
