package dev.gamehistory.loader.micrometer;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.ReportEvent;
import dev.gamehistory.loader.annotations.PublicApi;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The loader's metrics on a Micrometer {@link MeterRegistry}, as a {@link LoadListener}; every meter
 * of a load is recorded when the load ends, from its report:
 *
 * <pre>{@code
 * HistoricalGamesLoader loader = HistoricalGamesLoader.builder()
 *     .backend(backend).settings(settings)
 *     .listener(LoaderMetrics.of(registry))
 *     .build();
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code hgl.load}</td><td>timer: each load's wall time</td><td>{@code strategy} (batch, chunked,
 *       per-player, adaptive, fallback), {@code outcome} (complete, partial, cancelled)</td></tr>
 *   <tr><td>{@code hgl.query}</td><td>timer: each query attempt</td><td>{@code backend}, {@code outcome}
 *       (succeeded, failed, timed_out, cancelled)</td></tr>
 *   <tr><td>{@code hgl.players}</td><td>counter: players by outcome</td><td>{@code status} (loaded, failed),
 *       {@code kind} (none, timeout, deadline, backend, cancelled)</td></tr>
 *   <tr><td>{@code hgl.query.rows}</td><td>distribution summary: rows per successful query</td>
 *       <td>{@code backend}</td></tr>
 *   <tr><td>{@code hgl.query.bytes.billed}</td><td>distribution summary (bytes) per query that reports it</td>
 *       <td>{@code backend}</td></tr>
 *   <tr><td>{@code hgl.retries}, {@code hgl.splits}, {@code hgl.fallbacks}</td><td>counters</td>
 *       <td>{@code strategy}</td></tr>
 *   <tr><td>{@code hgl.cache.players}</td><td>counter: players of loads through a
 *       {@link dev.gamehistory.loader.CachingLoader}, by where they came from</td><td>{@code source} (hit,
 *       shared, queried)</td></tr>
 * </table>
 *
 * <p>Every tag value comes from a small fixed set or from configuration (the backend's name): never
 * a player, a job id or a message, so cardinality stays bounded. Names follow Micrometer's dotted
 * convention; each registry renders them its own way ({@code hgl_load_seconds} in Prometheus).
 */
@PublicApi
public final class LoaderMetrics implements LoadListener {

  /** The timer of whole loads. */
  public static final String LOAD = "hgl.load";
  /** The timer of query attempts. */
  public static final String QUERY = "hgl.query";
  /** The counter of players by outcome. */
  public static final String PLAYERS = "hgl.players";
  /** The distribution summary of rows per successful query. */
  public static final String QUERY_ROWS = "hgl.query.rows";
  /** The distribution summary of bytes billed per query. */
  public static final String QUERY_BYTES_BILLED = "hgl.query.bytes.billed";
  /** The counter of retries. */
  public static final String RETRIES = "hgl.retries";
  /** The counter of adaptive splits. */
  public static final String SPLITS = "hgl.splits";
  /** The counter of fallbacks to a next stage. */
  public static final String FALLBACKS = "hgl.fallbacks";
  /** The counter of cached loads' players by source: hit, shared or queried. */
  public static final String CACHE_PLAYERS = "hgl.cache.players";

  private final MeterRegistry registry;
  private final boolean timers;

  private LoaderMetrics(MeterRegistry registry, boolean timers) {
    this.registry = registry;
    this.timers = timers;
  }

  /** Metrics on {@code registry}. */
  public static LoaderMetrics of(MeterRegistry registry) {
    return new LoaderMetrics(Objects.requireNonNull(registry, "registry"), true);
  }

  /**
   * The same metrics without the {@code hgl.load} and {@code hgl.query} timers, for use beside
   * {@link LoaderObservations}, whose observations time loads and queries (through the registry's
   * meter handler) with the same names and tags: nothing is timed twice.
   */
  public LoaderMetrics withoutTimers() {
    return new LoaderMetrics(registry, false);
  }

  @Override
  public void onLoadEnd(LoadRequest request, LoadResult result) {
    LoadReport report = result.report();
    String strategy = report.strategyName();
    Tag backend = Tag.of("backend", report.backend());
    for (QueryAttempt attempt : report.attempts()) {
      if (timers) {
        Timer.builder(QUERY).description("Query attempts of loads")
            .tags(Tags.of(backend, Tag.of("outcome", lower(attempt.outcome().name()))))
            .register(registry).record(attempt.duration());
      }
      if (attempt.outcome() == QueryAttempt.Outcome.SUCCEEDED) {
        DistributionSummary.builder(QUERY_ROWS).description("Rows per successful query").baseUnit("rows")
            .tags(Tags.of(backend)).register(registry).record(attempt.rows());
      }
      attempt.statistics().ifPresent(s -> s.bytesBilled().ifPresent(bytes ->
          DistributionSummary.builder(QUERY_BYTES_BILLED).description("Bytes billed per query").baseUnit("bytes")
              .tags(Tags.of(backend)).register(registry).record(bytes)));
    }
    if (timers) {
      Timer.builder(LOAD).description("Loads of players' game histories")
          .tags(Tags.of(Tag.of("strategy", strategy), Tag.of("outcome", lower(result.status().name()))))
          .register(registry).record(report.elapsed());
    }
    long loaded = result.loaded().size();
    if (loaded > 0) {
      players("loaded", "none").increment(loaded);
    }
    Map<FailureKind, Integer> failed = new EnumMap<>(FailureKind.class);
    result.failures().values().forEach(failure -> failed.merge(failure.kind(), 1, Integer::sum));
    failed.forEach((kind, count) -> players("failed", lower(kind.name())).increment(count));
    Tags strategyTag = Tags.of("strategy", strategy);
    count(RETRIES, "Retries of the same players", strategyTag, report.retries());
    count(SPLITS, "Adaptive splits of a query", strategyTag, report.count(ReportEvent.Kind.SPLIT));
    count(FALLBACKS, "Fallbacks to a next stage", strategyTag, report.count(ReportEvent.Kind.FALLBACK));
    report.cache().ifPresent(cache -> {
      String description = "Players of cached loads by where they came from";
      count(CACHE_PLAYERS, description, Tags.of("source", "hit"), cache.hits());
      count(CACHE_PLAYERS, description, Tags.of("source", "shared"), cache.shared());
      count(CACHE_PLAYERS, description, Tags.of("source", "queried"), cache.queried());
    });
  }

  private Counter players(String status, String kind) {
    return Counter.builder(PLAYERS).description("Players by outcome")
        .tags(Tags.of(Tag.of("status", status), Tag.of("kind", kind))).register(registry);
  }

  private void count(String name, String description, Tags tags, long amount) {
    Counter counter = Counter.builder(name).description(description).tags(tags).register(registry);
    if (amount > 0) {
      counter.increment(amount);
    }
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "LoaderMetrics{" + registry.getClass().getSimpleName() + (timers ? "" : ", without timers") + "}";
  }
}
