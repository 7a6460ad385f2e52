package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillReport;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.DateResult;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.SettingsSources;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hgl backfill}: loads every game date from {@code --from} to {@code --to} in one backfill,
 * each date exactly its game-day load, and writes the histories as JSON Lines or CSV date by date as
 * the dates arrive (see {@link JsonLinesOutput} and {@link CsvOutput}). The slates come from
 * {@code --slates FILE} or, without it, from the backend: the players who played on each date.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true, versionProvider = Hgl.Version.class,
    header = "Loads every game date from --from to --to, each as its game-day load; writes JSON Lines or CSV.",
    description = {
        "Slates: --slates FILE (CSV, header game_date,player_lookup) or, without it, the players who played on each"
            + " date (the backend must be able to list them; the in-memory backend can).",
        "Output: one line per game; one LOADED line with games 0 for an empty history; one FAILED line with the"
            + " failure's kind and message for a failed player.",
        "Progress on stderr on a terminal; a summary line on stderr at the end.",
        "Exit codes: 0 all pairs loaded, 3 some failed, 2 bad usage or settings, 1 any other error."})
final class BackfillCommand implements Callable<Integer> {

  private final CliContext context;

  @Spec
  @Nullable CommandSpec spec;

  @Mixin
  SettingsOptions settingsOptions = new SettingsOptions();

  @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "The first game date.")
  String from = "";

  @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD",
      description = "The last game date (inclusive), not before --from.")
  String to = "";

  @Option(names = "--slates", paramLabel = "FILE",
      description = "CSV of (date, player) rows with the header game_date,player_lookup (other columns ignored); rows"
          + " outside --from..--to are skipped. Default: the players who played on each date.")
  @Nullable Path slates;

  @Option(names = "--out", paramLabel = "FILE", description = "Where to write the output (default: stdout).")
  @Nullable Path out;

  @Option(names = "--format", paramLabel = "jsonl|csv", description = "Output: jsonl (default, JSON Lines) or csv.")
  String format = "jsonl";

  BackfillCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    BackfillOutput.Format outputFormat = BackfillOutput.Format.parse(format);
    LocalDate fromDate = RequestOptions.parseDate("--from", from);
    LocalDate toDate = RequestOptions.parseDate("--to", to);
    if (toDate.isBefore(fromDate)) {
      throw new UsageException("--to", "must not be before --from (" + fromDate + ")", to);
    }
    checkOut();
    SlatesFile file = slates == null ? null : SlatesFile.read(slates, fromDate, toDate);
    SettingsSources.Resolved sources = settingsOptions.resolve(context);
    LoaderSettings settings = sources.settings();
    Backend backend = Backend.open(settings, sources, context);
    BackfillRequest request;
    try {
      SortedMap<LocalDate, List<String>> pairs = file != null ? file.slates() : played(backend, fromDate, toDate);
      if (pairs.isEmpty()) {
        throw file != null
            ? new UsageException(SlatesFile.OPTION, "no row dated from " + fromDate + " to " + toDate, String.valueOf(slates))
            : new UsageException("--from", "no game was played from " + fromDate + " to " + toDate + " ("
                + backend.name() + " backend)", from);
      }
      request = request(settings, pairs);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    PrintWriter err = Hgl.err(spec);
    if (file != null && file.outside() > 0) {
      err.println("hgl: " + SlatesFile.OPTION + ": skipped " + TextReport.count(file.outside(), "row") + " dated outside "
          + fromDate + ".." + toDate);
      err.flush();
    }
    return run(backend, settings, request, outputFormat, err);
  }

  private int run(Backend backend, LoaderSettings settings, BackfillRequest request, BackfillOutput.Format outputFormat,
      PrintWriter err) throws IOException {
    Writer writer;
    try {
      writer = out == null ? Hgl.out(spec) : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      backend.close();
      throw new UsageException("--out: cannot write the file (" + RequestOptions.reason(e) + "); got '" + out + "'", e);
    }
    Progress progress = Progress.of(context, err);
    int dates = request.dates().size();
    long lines = 0;
    BackfillReport report;
    try (HistoricalGamesLoader loader = backend.loader(settings); Backfill backfill = loader.backfill(request)) {
      BackfillOutput output = BackfillOutput.of(outputFormat, writer);
      showProgress(progress, backfill, dates);
      while (backfill.hasNext()) {
        DateResult date = backfill.next();
        lines += output.write(date);
        showProgress(progress, backfill, dates);
      }
      output.flush();
      report = backfill.report();
    } finally {
      progress.done();
      if (out != null) {
        writer.close();
      } else {
        writer.flush();
      }
    }
    err.println("hgl backfill: " + report.summary() + "; " + TextReport.count(lines, "line") + " written to "
        + (out == null ? "stdout" : out.toString()));
    err.flush();
    return report.failedPairs() == 0 ? Hgl.EXIT_OK : Hgl.EXIT_INCOMPLETE;
  }

  /** The backfill of the pairs; a usage error when a date's window does not fit a date of the backend. */
  private BackfillRequest request(LoaderSettings settings, SortedMap<LocalDate, List<String>> pairs) {
    BackfillRequest.Builder builder = BackfillRequest.builder(settings);
    try {
      pairs.forEach(builder::players);
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--from: " + Messages.describe(e) + "; got '" + from + "'", e);
    }
  }

  /** The players who played on each date, from the backend; a usage error when it cannot tell. */
  private static SortedMap<LocalDate, List<String>> played(Backend backend, LocalDate from, LocalDate to) {
    try {
      return backend.query().playersByDate(from, to);
    } catch (UnsupportedOperationException e) {
      throw new UsageException(SlatesFile.OPTION + ": required with backend=" + backend.name() + " ("
          + Messages.describe(e) + "); got none", e);
    }
  }

  /** {@code --out} must name a file in a directory that exists, checked before any query. */
  private void checkOut() {
    if (out == null) {
      return;
    }
    Path parent = out.toAbsolutePath().getParent();
    if (Files.isDirectory(out)) {
      throw new UsageException("--out", "is a directory", out.toString());
    }
    if (parent != null && !Files.isDirectory(parent)) {
      throw new UsageException("--out", "no such directory " + parent, out.toString());
    }
  }

  private static void showProgress(Progress progress, Backfill backfill, int dates) {
    if (progress.enabled()) {
      progress.show(progressLine(backfill.report(), dates));
    }
  }

  /** {@code hgl: backfill 12/165 dates, 40,112 rows, 0 pairs failed, 2.1 s, about 27 s left}. */
  static String progressLine(BackfillReport report, int dates) {
    String left = report.dates() == 0 ? ""
        : ", about " + duration(report.elapsed().multipliedBy(dates - report.dates()).dividedBy(report.dates()))
            + " left";
    return String.format(Locale.ROOT, "hgl: backfill %d/%d dates, %s, %s failed, %s%s", report.dates(), dates,
        TextReport.count(report.rows(), "row"), TextReport.count(report.failedPairs(), "pair"),
        duration(report.elapsed()), left);
  }

  /** {@code 2.1 s} under a minute, {@code 3 min 05 s} above. */
  static String duration(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long seconds = millis / 1000;
    return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
  }
}
