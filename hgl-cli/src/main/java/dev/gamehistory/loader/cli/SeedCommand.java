package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.bigquery.BigQueryGamesQuery;
import dev.gamehistory.loader.bigquery.BigQueryTableSeeder;
import dev.gamehistory.loader.bigquery.SeedRow;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.GamesCsv;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.SettingsSources;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hgl seed}: creates the BigQuery dataset and the partitioned, clustered games table and
 * inserts a generated league (or a CSV file) in batches. Only for {@code backend=bigquery}: the
 * in-memory backend builds its rows itself.
 */
@Command(name = "seed", mixinStandardHelpOptions = true, versionProvider = Hgl.Version.class,
    header = "Creates and fills the BigQuery games table (backend=bigquery).",
    description = {
        "Creates the dataset and the table (partitioned by day on game_date, clustered like production) and",
        "inserts a generated league or a CSV file in batches. Refuses a table that already holds rows unless",
        "--replace is given. Exit codes: 0 seeded, 2 bad usage or settings (also: the table has rows), 1 other errors."})
final class SeedCommand implements Callable<Integer> {

  private final CliContext context;

  @Spec
  @Nullable CommandSpec spec;

  @Mixin
  SettingsOptions settingsOptions = new SettingsOptions();

  @Option(names = "--csv", paramLabel = "FILE",
      description = "Insert the games of a CSV file (every row needs team_abbr and game_id) instead of a league.")
  @Nullable Path csv;

  @Option(names = "--seasons", paramLabel = "N",
      description = "Seasons of the generated league, 1..10 (default 1, as the in-memory backend).")
  @Nullable String seasons;

  @Option(names = "--seed", paramLabel = "S",
      description = "Seed of the generated league (default 42, as the in-memory backend).")
  @Nullable String seed;

  @Option(names = "--replace", description = "Drop and recreate a table that already holds rows.")
  boolean replace;

  SeedCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (csv != null && (seasons != null || seed != null)) {
      throw new UsageException("--csv: not allowed with --seasons or --seed (those generate a league); got '" + csv
          + "'");
    }
    int seasonCount = seasons == null ? 1 : RequestOptions.parseCount("--seasons", seasons, 1, LeagueGenerator.MAX_SEASONS);
    long seedValue = seed == null ? 42 : parseSeed(seed);
    SettingsSources.Resolved sources = settingsOptions.resolve(context);
    LoaderSettings settings = sources.settings();
    if (!settings.backend().equals(BigQueryGamesQuery.NAME)) {
      throw new UsageException("backend: seed needs backend=bigquery (the in-memory backend builds its rows itself);"
          + " got '" + settings.backend() + "'");
    }
    PrintWriter out = Hgl.out(spec);
    Progress progress = Progress.of(context, Hgl.err(spec));
    String source;
    List<SeedRow> rows;
    if (csv != null) {
      rows = seedRows(readCsv(csv), csv.toString());
      source = "CSV file " + csv;
    } else {
      progress.show("hgl seed: generating the league ...");
      League league = LeagueGenerator.generate(seedValue, seasonCount);
      rows = seedRows(league.rows(), "the generated league");
      source = "generated league (seed " + seedValue + ", " + seasonCount + (seasonCount == 1 ? " season" : " seasons")
          + ", " + league.firstDay() + " .. " + league.lastDay() + ")";
    }
    BigQueryTableSeeder seeder;
    try {
      seeder = BigQueryTableSeeder.builder()
          .fromSettings(settings)
          .replace(replace)
          .progress((inserted, total) -> progress.show(
              String.format(Locale.ROOT, "hgl seed: %,d of %,d rows inserted", inserted, total)))
          .build();
    } catch (LoaderSettingsException e) {
      throw sources.withOrigin(e);
    }
    long started = System.nanoTime();
    long inserted;
    try {
      inserted = seeder.seed(rows);
    } catch (IllegalStateException e) {
      String message = String.valueOf(e.getMessage());
      int semicolon = message.indexOf(';');
      throw new UsageException("bigquery.table: " + (semicolon < 0 ? message : message.substring(0, semicolon))
          + "; add --replace to drop and recreate it", e);
    } finally {
      progress.done();
    }
    out.printf(Locale.ROOT, "seeded %s: %,d rows from the %s in %.1f s%n", seeder.table(), inserted, source,
        (System.nanoTime() - started) / 1e9);
    out.flush();
    return Hgl.EXIT_OK;
  }

  private static long parseSeed(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--seed: must be a whole number; got '" + text + "'", e);
    }
  }

  private static List<GameRow> readCsv(Path file) {
    try {
      return GamesCsv.read(file);
    } catch (UncheckedIOException e) {
      throw new UsageException("--csv: cannot read the file (" + RequestOptions.reason(e.getCause()) + "); got '"
          + file + "'", e);
    }
  }

  /** The rows as the seeder takes them; a row lacking its team or game id is refused, naming it. */
  static List<SeedRow> seedRows(List<GameRow> rows, String source) {
    List<SeedRow> seedRows = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      GameRow row = rows.get(i);
      String team = row.teamAbbr();
      String gameId = row.gameId();
      if (team == null || gameId == null) {
        throw new UsageException("--csv: " + source + ": row " + (i + 1) + " (" + row.playerLookup() + ", "
            + row.gameDate() + ") has no " + (team == null ? "team_abbr" : "game_id")
            + ", which the table requires; got ''");
      }
      seedRows.add(new SeedRow(row.playerLookup(), row.gameDate(), team, row.opponentTeamAbbr(), gameId,
          row.points() == null ? OptionalInt.empty() : OptionalInt.of(row.points()),
          Optional.ofNullable(row.minutesPlayed())));
    }
    return seedRows;
  }
}
