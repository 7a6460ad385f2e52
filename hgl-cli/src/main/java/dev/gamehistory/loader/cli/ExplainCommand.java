package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.bigquery.BackfillEstimate;
import dev.gamehistory.loader.bigquery.BigQueryGamesQuery;
import dev.gamehistory.loader.bigquery.CostEstimate;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.SettingsSources;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hgl explain}: the effective settings and where each value came from; the backend; for
 * BigQuery also the statement and a dry-run estimate of what the strategy's first queries read.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, versionProvider = Hgl.Version.class,
    header = "Shows the effective settings and their origins; for BigQuery the SQL and a dry run.",
    description = {
        "Prints each setting with where its value came from (default, --config file and line, environment, --set)",
        "and the values a higher layer's strategy left unused (IGNORED), the backend, and for BigQuery the SQL and a",
        "dry-run estimate of the bytes the strategy's first queries read; with --from and --to, also a backfill's",
        "multi-date statement and its dry run against the per-date loop."})
final class ExplainCommand implements Callable<Integer> {

  /** Placeholder players of the dry run when no players file is given. */
  static final int ESTIMATE_PLAYERS = RequestOptions.DEFAULT_PLAYERS;

  private final CliContext context;

  @Spec
  @Nullable CommandSpec spec;

  @Mixin
  SettingsOptions settingsOptions = new SettingsOptions();

  @Mixin
  RequestOptions requestOptions = new RequestOptions();

  @Option(names = "--from", paramLabel = "YYYY-MM-DD",
      description = "With --to, for BigQuery: also the multi-date statement of a backfill over every date from"
          + " --from to --to, and its dry-run estimate against the per-date loop.")
  @Nullable String from;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "The last date (inclusive) of --from's backfill.")
  @Nullable String to;

  ExplainCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PrintWriter out = Hgl.out(spec);
    LocalDate[] span = backfillSpan();
    LocalDate givenDate = requestOptions.date == null ? null : RequestOptions.parseDate("--date", requestOptions.date);
    List<String> filePlayers = requestOptions.playersFromFile();
    SettingsSources.Resolved resolved = settingsOptions.resolve(context);
    LoaderSettings settings = resolved.settings();
    Backend backend = Backend.open(settings, resolved, context);
    try {
      printSettings(out, resolved);
      out.println();
      out.println("backend");
      out.println("  " + backend.describe());
      if (backend.rows().isPresent()) {
        Backend.Rows rows = backend.rows().get();
        out.printf(Locale.ROOT, "  game dates %s .. %s; hgl load's default game date: %s%n",
            rows.firstGameDate().map(LocalDate::toString).orElse("-"),
            rows.lastGameDate().map(LocalDate::toString).orElse("-"),
            rows.lastGameDate().map(LocalDate::toString).orElse("none (no rows)"));
      }
      if (backend.query() instanceof BigQueryGamesQuery bigquery) {
        printBigQuery(out, bigquery, settings, givenDate, filePlayers);
        if (span != null) {
          printBackfill(out, bigquery, settings, span[0], span[1], filePlayers);
        }
      }
    } finally {
      backend.close();
    }
    out.flush();
    return Hgl.EXIT_OK;
  }

  private void printSettings(PrintWriter out, SettingsSources.Resolved resolved) {
    out.println("settings (later sources override earlier ones: default < --config file < environment < --set)");
    out.println();
    List<SettingsSources.Entry> entries = resolved.entries();
    int keyWidth = Math.max(3, entries.stream().mapToInt(e -> e.key().length()).max().orElse(0));
    int valueWidth = Math.max(5, entries.stream().mapToInt(e -> shown(e.value()).length()).max().orElse(0));
    String row = "  %-" + keyWidth + "s  %-" + valueWidth + "s  %s%n";
    out.printf(Locale.ROOT, row, "KEY", "VALUE", "ORIGIN");
    for (SettingsSources.Entry entry : entries) {
      String origin = entry.ignored().map(why -> entry.origin() + "  IGNORED: " + why).orElse(entry.origin());
      out.printf(Locale.ROOT, row, entry.key(), shown(entry.value()), origin);
    }
    LoaderSettings settings = resolved.settings();
    out.println();
    out.println("effective");
    out.println("  strategy  " + settings.strategy().describe());
    out.println("  timeouts  " + settings.timeouts().describe());
    out.println("  retries   " + TextReport.retries(settings.retry()));
    out.printf(Locale.ROOT, "  window    %d days before the game date, up to %d games per player%n",
        settings.lookbackDays(), settings.maxGames());
    if (settingsOptions.verbose) {
      out.println();
      out.println("every known key (environment variable; default; meaning)");
      SettingsSources.knownKeys().values().forEach(key -> out.printf(Locale.ROOT, "  %-32s %-36s %s; %s%n",
          key.key(), key.environmentVariable(), key.defaultValue(), key.description()));
    } else {
      out.println();
      out.println("each key KEY is also read from the variable HGL_KEY ('.' and '-' as '_', e.g. HGL_CHUNK_SIZE);"
          + " --verbose lists every key");
    }
  }

  private void printBigQuery(PrintWriter out, BigQueryGamesQuery bigquery, LoaderSettings settings,
      @Nullable LocalDate givenDate, List<String> filePlayers) {
    out.println();
    out.println("sql (values are bound as query parameters, never spliced into the text)");
    bigquery.sql().lines().forEach(line -> out.println("  " + line));
    LocalDate date = givenDate != null ? givenDate : LocalDate.now(ZoneOffset.UTC);
    List<String> players = filePlayers.isEmpty() ? placeholders(ESTIMATE_PLAYERS) : filePlayers;
    String who = filePlayers.isEmpty()
        ? TextReport.count(players.size(), "placeholder player") + " (a dry run's bytes do not depend on which players;"
            + " --players-file to use yours)"
        : TextReport.count(players.size(), "player") + " of --players-file";
    out.println();
    out.printf(Locale.ROOT, "dry run: %s on %s%s%n", who, date, givenDate == null ? " (today; --date to choose)" : "");
    LoadRequest request = LoadRequest.builder(date, settings).players(players).build();
    CostEstimate estimate = dryRun(out, "the first queries of " + settings.strategy().describe(),
        () -> bigquery.estimate(request, settings.strategy()));
    if (estimate == null) {
      return;
    }
    out.printf(Locale.ROOT, "  %s: %s, %s processed, at least %s billed on demand%n", estimate.strategy(),
        TextReport.count(estimate.queryCount(), "query", "queries"), TextReport.bytes(estimate.totalBytesProcessed()),
        TextReport.bytes(estimate.minimumBytesBilled()));
    out.printf(Locale.ROOT, "  (on-demand pricing bills at least %s per query that reads data; retries and splits"
        + " would add to this)%n", TextReport.bytes(CostEstimate.ON_DEMAND_MINIMUM_BYTES));
  }

  /** {@code --from} and {@code --to}, checked before anything runs; null when neither is given. */
  private LocalDate @Nullable [] backfillSpan() {
    if (from == null && to == null) {
      return null;
    }
    if (from == null || to == null) {
      throw new UsageException((from == null ? "--from" : "--to") + ": required with "
          + (from == null ? "--to" : "--from") + "; got none");
    }
    LocalDate first = RequestOptions.parseDate("--from", from);
    LocalDate last = RequestOptions.parseDate("--to", to);
    if (last.isBefore(first)) {
      throw new UsageException("--to: must not be before --from (" + first + "); got '" + to + "'");
    }
    if (first.plusDays(MAX_EXPLAINED_DATES - 1).isBefore(last)) {
      throw new UsageException("--to: at most " + MAX_EXPLAINED_DATES + " dates from --from (" + first
          + ") are dry-run; got '" + to + "'");
    }
    return new LocalDate[] {first, last};
  }

  /** The most dates {@code --from}..{@code --to} may span: each is one dry run of the per-date loop. */
  static final int MAX_EXPLAINED_DATES = 366;

  private void printBackfill(PrintWriter out, BigQueryGamesQuery bigquery, LoaderSettings settings, LocalDate first,
      LocalDate last, List<String> filePlayers) {
    out.println();
    out.println("sql of a query of several dates (a backfill's)");
    bigquery.datesSql().lines().forEach(line -> out.println("  " + line));
    List<String> players = filePlayers.isEmpty() ? placeholders(ESTIMATE_PLAYERS) : filePlayers;
    BackfillRequest.Builder request = BackfillRequest.builder(settings);
    for (LocalDate date = first; !date.isAfter(last); date = date.plusDays(1)) {
      request.players(date, players);
    }
    BackfillRequest backfill = request.build();
    out.println();
    out.printf(Locale.ROOT, "backfill dry run: every date from %s to %s (%s), %s a date%n", first, last,
        TextReport.count(backfill.dates().size(), "date", "dates"),
        filePlayers.isEmpty() ? TextReport.count(players.size(), "placeholder player") : TextReport.count(players.size(),
            "player") + " of --players-file");
    BackfillEstimate estimate = dryRun(out, "the backfill's queries and the per-date loop",
        () -> bigquery.estimate(backfill, settings.backfill()));
    if (estimate == null) {
      return;
    }
    out.printf(Locale.ROOT, "  multi-date (%s): %s, %s processed, at least %s billed, %d partition days%n",
        settings.backfill().describe(), TextReport.count(estimate.multiDate().size(), "query", "queries"),
        TextReport.bytes(estimate.multiDateBytes()), TextReport.bytes(estimate.multiDateMinimumBytesBilled()),
        estimate.multiDatePartitionDays());
    out.printf(Locale.ROOT, "  per-date loop: %s, %s processed, at least %s billed, %d partition days%n",
        TextReport.count(estimate.perDate().size(), "query", "queries"), TextReport.bytes(estimate.perDateBytes()),
        TextReport.bytes(estimate.perDateMinimumBytesBilled()), estimate.perDatePartitionDays());
    out.printf(Locale.ROOT, "  the loop reads %s the bytes and spans %.1fx the partition days%n",
        estimate.multiDateBytes() == 0 ? "(no bytes told)"
            : String.format(Locale.ROOT, "%.1fx", (double) estimate.perDateBytes() / estimate.multiDateBytes()),
        (double) estimate.perDatePartitionDays() / Math.max(1, estimate.multiDatePartitionDays()));
  }

  /**
   * Runs {@code estimate}'s dry runs with progress on stderr; null, and a {@code skipped} line, when
   * they fail: explaining must not fail for want of a dry run (an emulator may not support it).
   */
  private <T> @Nullable T dryRun(PrintWriter out, String what, Supplier<T> estimate) {
    Progress progress = Progress.of(context, Hgl.err(spec));
    progress.show("hgl: dry-running " + what + " ...");
    try {
      return estimate.get();
    } catch (RuntimeException e) {
      String kind = e instanceof LoaderException failure ? failure.kind().name() : e.getClass().getSimpleName();
      out.println("  skipped: the dry run failed (" + kind + "): " + e.getMessage());
      return null;
    } finally {
      progress.done();
    }
  }

  private static List<String> placeholders(int count) {
    List<String> players = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      players.add(String.format(Locale.ROOT, "player%04d", i));
    }
    return players;
  }

  private static String shown(String value) {
    return value.isEmpty() ? "(none)" : value;
  }
}
