package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoaderException;
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
        "dry-run estimate of the bytes the strategy's first queries read."})
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

  ExplainCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PrintWriter out = Hgl.out(spec);
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
    Progress progress = Progress.of(context, Hgl.err(spec));
    progress.show("hgl: dry-running the first queries of " + settings.strategy().describe() + " ...");
    CostEstimate estimate;
    try {
      estimate = bigquery.estimate(request, settings.strategy());
    } catch (RuntimeException e) {
      // Explaining must not fail for want of a dry run (an emulator may not support it): say why, go on.
      String kind = e instanceof LoaderException failure ? failure.kind().name() : e.getClass().getSimpleName();
      out.println("  skipped: the dry run failed (" + kind + "): " + e.getMessage());
      return;
    } finally {
      progress.done();
    }
    out.printf(Locale.ROOT, "  %s: %s, %s processed, at least %s billed on demand%n", estimate.strategy(),
        TextReport.count(estimate.queryCount(), "query", "queries"), TextReport.bytes(estimate.totalBytesProcessed()),
        TextReport.bytes(estimate.minimumBytesBilled()));
    out.printf(Locale.ROOT, "  (on-demand pricing bills at least %s per query that reads data; retries and splits"
        + " would add to this)%n", TextReport.bytes(CostEstimate.ON_DEMAND_MINIMUM_BYTES));
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
