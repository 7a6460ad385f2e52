package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.ReportEvent;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-load log line, a listener every loader has: INFO when every player loaded, WARN when any
 * failed, in {@code key=value} form, on the logger {@value #LOGGER}; DEBUG one line per query
 * attempt. For example:
 *
 * <pre>
 * load outcome=partial strategy="adaptive(initial-chunk=all, parallelism=4)" backend=bigquery players=360
 *   loaded=352 loaded_empty=4 failed=8 failed_timeout=8 queries=5 retries=0 splits=2 fallbacks=0
 *   [cache_hits=0 cache_shared=0 cache_queried=360, through a cache] rows=10320 bytes_processed=52428800 bytes_billed=52428800 elapsed_ms=2140 deadline_ms=30000
 *   first_failure="query for 8 players did not finish within its timeout of 2000 ms; cancelled"
 * </pre>
 * (one line in the log). Values with spaces, quotes or {@code =} are quoted.
 */
public final class LoadLog implements LoadListener {

  /** The logger of the per-load line. */
  public static final String LOGGER = "dev.gamehistory.loader.load";

  private final Logger log;

  /** The log line on {@value #LOGGER}. */
  public LoadLog() {
    this(LoggerFactory.getLogger(LOGGER));
  }

  /** The log line on {@code log} (tests). */
  public LoadLog(Logger log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  @Override
  public void onQueryEnd(LoadRequest request, QueryAttempt attempt) {
    if (!log.isDebugEnabled()) {
      return;
    }
    StringBuilder line = new StringBuilder("query");
    put(line, "id", attempt.id());
    put(line, "stage", attempt.stage());
    put(line, "players", attempt.players().size());
    put(line, "try", attempt.attempt());
    put(line, "outcome", attempt.outcome().name().toLowerCase(Locale.ROOT));
    put(line, "rows", attempt.rows());
    put(line, "started_ms", attempt.startedAt().toMillis());
    put(line, "duration_ms", attempt.duration().toMillis());
    put(line, "cancelled", attempt.cancelled());
    attempt.statistics().ifPresent(s -> {
      s.jobId().ifPresent(id -> put(line, "job", id));
      s.queryId().ifPresent(id -> put(line, "query_id", id));
      s.requests().ifPresent(n -> put(line, "requests", n));
      s.bytesBilled().ifPresent(n -> put(line, "bytes_billed", n));
    });
    attempt.failure().ifPresent(f -> {
      put(line, "failure_kind", f.kind().name().toLowerCase(Locale.ROOT));
      put(line, "failure", f.getMessage());
    });
    log.debug(line.toString());
  }

  @Override
  public void onLoadEnd(LoadRequest request, LoadResult result) {
    boolean complete = result.isComplete();
    if (complete ? !log.isInfoEnabled() : !log.isWarnEnabled()) {
      return;
    }
    LoadReport report = result.report();
    // Each builds a map over the players: once each.
    Map<String, LoaderException> failures = result.failures();
    Map<String, List<HistoricalGame>> loaded = result.loaded();
    Map<FailureKind, Integer> failed = new EnumMap<>(FailureKind.class);
    failures.values().forEach(f -> failed.merge(f.kind(), 1, Integer::sum));
    long empty = loaded.values().stream().filter(List::isEmpty).count();
    StringBuilder line = new StringBuilder("load");
    put(line, "outcome", result.status().name().toLowerCase(Locale.ROOT));
    put(line, "strategy", report.strategy());
    put(line, "backend", report.backend());
    put(line, "players", request.players().size());
    put(line, "loaded", loaded.size());
    put(line, "loaded_empty", empty);
    put(line, "failed", failures.size());
    failed.forEach((kind, count) -> put(line, "failed_" + kind.name().toLowerCase(Locale.ROOT), count));
    put(line, "queries", report.queryCount());
    put(line, "retries", report.retries());
    put(line, "splits", report.count(ReportEvent.Kind.SPLIT));
    put(line, "fallbacks", report.count(ReportEvent.Kind.FALLBACK));
    report.cache().ifPresent(cache -> {
      put(line, "cache_hits", cache.hits());
      put(line, "cache_shared", cache.shared());
      put(line, "cache_queried", cache.queried());
    });
    put(line, "rows", report.rows());
    report.bytesProcessed().ifPresent(n -> put(line, "bytes_processed", n));
    report.bytesBilled().ifPresent(n -> put(line, "bytes_billed", n));
    put(line, "elapsed_ms", report.elapsed().toMillis());
    put(line, "deadline_ms", report.deadline().toMillis());
    if (!complete) {
      // In request order: the first requested player that failed.
      LoaderException first = failures.values().iterator().next();
      put(line, "first_failure", first.getMessage());
      log.warn(line.toString());
    } else {
      log.info(line.toString());
    }
  }

  private static void put(StringBuilder line, String key, Object value) {
    String text = String.valueOf(value);
    line.append(' ').append(key).append('=');
    if (text.isEmpty() || text.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\\')) {
      line.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
    } else {
      line.append(text);
    }
  }
}
