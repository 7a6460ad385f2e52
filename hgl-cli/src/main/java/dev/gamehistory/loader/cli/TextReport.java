package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.BackendStatistics;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.ReportEvent;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A load as a readable summary: what was asked, how it was configured, what came back and where the
 * time went. Every figure comes from the {@link LoadResult} and its {@link LoadReport}; a figure the
 * backend does not report is said to be missing, never shown as zero.
 */
final class TextReport {

  /** Failed players listed without {@code --verbose}. */
  static final int LISTED_FAILURES = 20;

  private final PrintWriter out;

  TextReport(PrintWriter out) {
    this.out = out;
  }

  /** Prints the summary; {@code verbose} adds the empty players, every failure, query and event. */
  void print(LoadRequest request, LoadResult result, LoaderSettings settings, String backend, boolean verbose) {
    LoadReport report = result.report();
    out.printf(Locale.ROOT, "hgl load: %s on %s (history %s .. %s, up to %d games each)%n",
        count(request.players().size(), "player"), request.gameDate(), request.windowStart(),
        request.gameDate().minusDays(1), request.maxGames());
    out.println();
    line("backend", backend);
    line("strategy", report.strategy());
    line("timeouts", settings.timeouts().describe());
    line("retries", retries(settings.retry()));
    out.println();

    Map<String, LoaderException> failures = result.failures();
    List<String> empty = new ArrayList<>();
    long games = 0;
    for (PlayerOutcome outcome : result.outcomes().values()) {
      if (outcome instanceof PlayerOutcome.Loaded loaded) {
        games += loaded.games().size();
        if (loaded.games().isEmpty()) {
          empty.add(loaded.player());
        }
      }
    }
    int loaded = result.outcomes().size() - failures.size();
    line("players", String.format(Locale.ROOT, "%d requested: %d loaded with games, %d loaded empty (no game in the"
        + " window), %d failed", result.outcomes().size(), loaded - empty.size(), empty.size(), failures.size()));
    line("games", String.format(Locale.ROOT, "%,d", games)
        + (loaded - empty.size() > 0
            ? String.format(Locale.ROOT, " (%.1f per player with games)", games / (double) (loaded - empty.size()))
            : ""));
    line("queries", queries(report));
    report.cache().ifPresent(cache -> line("cache", String.format(Locale.ROOT,
        "%d from the cache, %d from another load's query, %d queried", cache.hits(), cache.shared(),
        cache.queried())));
    Optional<Long> processed = report.bytesProcessed();
    Optional<Long> billed = report.bytesBilled();
    if (processed.isPresent() || billed.isPresent()) {
      line("bytes", "processed " + processed.map(TextReport::bytes).orElse("not reported")
          + ", billed " + billed.map(TextReport::bytes).orElse("not reported"));
    }
    line("time", String.format(Locale.ROOT, "%d ms in total (deadline %d ms)",
        report.elapsed().toMillis(), report.deadline().toMillis()));
    line("", phases(report));

    if (!failures.isEmpty()) {
      out.println();
      out.printf(Locale.ROOT, "failed players (%d):%n", failures.size());
      int shown = 0;
      int width = failures.keySet().stream().mapToInt(String::length).max().orElse(0);
      for (Map.Entry<String, LoaderException> failure : failures.entrySet()) {
        if (!verbose && shown == LISTED_FAILURES) {
          out.printf(Locale.ROOT, "  ... and %d more (--verbose lists them all; --format json gives every error)%n",
              failures.size() - shown);
          break;
        }
        out.printf(Locale.ROOT, "  %-" + width + "s  %-9s %s%n", failure.getKey(), failure.getValue().kind(),
            failure.getValue().getMessage());
        shown++;
      }
    }
    if (verbose) {
      if (!empty.isEmpty()) {
        out.println();
        out.printf(Locale.ROOT, "players without a game in the window (%d):%n", empty.size());
        out.println("  " + String.join(", ", empty));
      }
      printAttempts(report);
      printEvents(report);
    }
    out.flush();
  }

  private void printAttempts(LoadReport report) {
    out.println();
    out.println("queries:");
    out.println("     #  stage        players  try  start ms    dur ms  outcome      rows  cancelled  job / bytes");
    for (QueryAttempt attempt : report.attempts()) {
      Optional<BackendStatistics> statistics = attempt.statistics();
      String job = statistics.flatMap(BackendStatistics::jobId)
          .or(() -> statistics.flatMap(BackendStatistics::queryId).map(id -> "query " + id)).orElse("-");
      String bytes = statistics.filter(s -> s.bytesProcessed().isPresent())
          .map(s -> " " + bytes(s.bytesProcessed().getAsLong())).orElse("");
      out.printf(Locale.ROOT, "  %4d  %-11s %8d %4d %9d %9d  %-10s %6d  %-9s  %s%s%n", attempt.id(), attempt.stage(),
          attempt.players().size(), attempt.attempt(), attempt.startedAt().toMillis(), attempt.duration().toMillis(),
          attempt.outcome(), attempt.rows(), attempt.cancelled() ? "yes" : "no", job, bytes);
      attempt.failure().ifPresent(failure ->
          out.printf(Locale.ROOT, "        %s: %s%n", failure.kind(), failure.getMessage()));
    }
  }

  private void printEvents(LoadReport report) {
    if (report.events().isEmpty()) {
      return;
    }
    out.println();
    out.println("decisions:");
    for (ReportEvent event : report.events()) {
      out.printf(Locale.ROOT, "  %7d ms  %-9s %s%n", event.at().toMillis(), event.kind(), event.detail());
    }
  }

  private void line(String label, String value) {
    out.printf(Locale.ROOT, "  %-9s %s%n", label, value);
  }

  static String queries(LoadReport report) {
    StringBuilder text = new StringBuilder();
    text.append(report.queryCount()).append(" started");
    List<String> outcomes = new ArrayList<>();
    for (QueryAttempt.Outcome outcome : QueryAttempt.Outcome.values()) {
      long n = report.count(outcome);
      if (n > 0) {
        outcomes.add(n + " " + outcome.name().toLowerCase(Locale.ROOT).replace('_', ' '));
      }
    }
    if (!outcomes.isEmpty()) {
      text.append(" (").append(String.join(", ", outcomes)).append(")");
    }
    text.append(String.format(Locale.ROOT, "; %s, %s, %s; %,d rows read", count(report.retries(), "retry", "retries"),
        count(report.count(ReportEvent.Kind.SPLIT), "split"), count(report.count(ReportEvent.Kind.FALLBACK), "fallback"),
        report.rows()));
    return text.toString();
  }

  private static String phases(LoadReport report) {
    Optional<Duration> queued = report.queued();
    Optional<Duration> executing = report.executing();
    Optional<Duration> fetching = report.fetching();
    if (queued.isEmpty() && executing.isEmpty() && fetching.isEmpty()) {
      return "queued / executing / fetching: not reported by the " + report.backend() + " backend";
    }
    return "queued " + millis(queued) + ", executing " + millis(executing) + ", fetching " + millis(fetching)
        + " (summed over queries)";
  }

  private static String millis(Optional<Duration> duration) {
    return duration.map(d -> d.toMillis() + " ms").orElse("not reported");
  }

  static String retries(RetryPolicy retry) {
    if (retry.maxAttempts() == 1) {
      return "none (1 attempt)";
    }
    return String.format(Locale.ROOT, "up to %d attempts, backoff %d ms doubling to %d ms, jitter %s",
        retry.maxAttempts(), retry.initialBackoff().toMillis(), retry.maxBackoff().toMillis(),
        java.math.BigDecimal.valueOf(retry.jitter()).stripTrailingZeros().toPlainString());
  }

  /** {@code 1 player}, {@code 2 players}. */
  static String count(long n, String singular) {
    return count(n, singular, singular + "s");
  }

  static String count(long n, String singular, String plural) {
    return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? singular : plural);
  }

  /** Bytes in binary units: {@code 10.0 MiB}. */
  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
