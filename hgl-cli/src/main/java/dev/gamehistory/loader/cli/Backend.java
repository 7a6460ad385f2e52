package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.bigquery.BigQueryGamesQuery;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.SettingsSources;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.GamesQueryProvider;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * A backend created from settings the way {@link HistoricalGamesLoader#fromSettings} creates it
 * (the {@link GamesQueryProvider} named by the {@code backend} key), kept at hand so the CLI can also
 * ask it what it holds: the in-memory backend's rows, the BigQuery backend's statement and cost.
 */
final class Backend {

  private final GamesQuery query;
  private final LoaderSettings settings;

  private Backend(GamesQuery query, LoaderSettings settings) {
    this.query = query;
    this.settings = settings;
  }

  /**
   * Creates the backend the settings name with the context's backend factory.
   *
   * @param sources the resolved settings {@code settings} come from: a failure names the origin of
   *     the value it is about
   * @throws LoaderSettingsException when no provider has that name or the backend's settings are bad
   */
  static Backend open(LoaderSettings settings, SettingsSources.Resolved sources, CliContext context) {
    try {
      return new Backend(context.backends().apply(settings), settings);
    } catch (LoaderSettingsException e) {
      throw sources.withOrigin(e);
    }
  }

  /**
   * The backend the settings name, from the {@link GamesQueryProvider}s on the class path, as
   * {@link HistoricalGamesLoader#fromSettings} finds it.
   *
   * @throws LoaderSettingsException when no provider has that name or the backend's settings are bad
   */
  static GamesQuery fromProviders(LoaderSettings settings) {
    String name = settings.backend();
    List<String> known = new ArrayList<>();
    for (GamesQueryProvider provider : ServiceLoader.load(GamesQueryProvider.class)) {
      if (provider.name().equals(name)) {
        return provider.create(settings);
      }
      known.add(provider.name());
    }
    throw LoaderSettingsException.unknownBackend(name, known);
  }

  /** The backend's name, e.g. {@code in-memory}. */
  String name() {
    return query.name();
  }

  /** The backend itself. */
  GamesQuery query() {
    return query;
  }

  /** A loader over this backend with the given settings; closing the loader closes the backend. */
  HistoricalGamesLoader loader(LoaderSettings loaderSettings) {
    return HistoricalGamesLoader.builder().settings(loaderSettings).backend(query).build();
  }

  /** Closes the backend (a loader built with {@link #loader} does this itself). */
  void close() {
    query.close();
  }

  /** The rows of an in-memory backend; absent for other backends. */
  Optional<Rows> rows() {
    return query instanceof InMemoryGamesQuery memory ? Optional.of(new Rows(memory.rows())) : Optional.empty();
  }

  /** One line saying what the backend reads, e.g. {@code in-memory: generated league (seed 42, 1 season), 32,964 rows}. */
  String describe() {
    Optional<Rows> rows = rows();
    if (rows.isPresent()) {
      String csv = settings.backendProperties().get("in-memory.csv");
      String source = csv != null ? "CSV file " + csv
          : "generated league (seed " + property("in-memory.seed") + ", " + seasons(property("in-memory.seasons")) + ")";
      return name() + ": " + source + ", " + TextReport.count(rows.get().count(), "row") + ", "
          + TextReport.count(rows.get().players().size(), "player");
    }
    if (query instanceof BigQueryGamesQuery bigquery) {
      String host = settings.backendProperties().get("bigquery.host");
      return name() + ": table " + bigquery.table() + (host == null ? "" : " at " + host);
    }
    return name();
  }

  private String property(String key) {
    String value = settings.backendProperties().get(key);
    return value != null ? value : SettingsSources.knownKeys().get(key).defaultValue();
  }

  private static String seasons(String count) {
    return count + ("1".equals(count) ? " season" : " seasons");
  }

  /** What an in-memory backend holds. */
  static final class Rows {
    private final List<GameRow> rows;
    private final List<String> players;

    Rows(List<GameRow> rows) {
      this.rows = rows;
      TreeSet<String> lookups = new TreeSet<>();
      rows.forEach(row -> lookups.add(row.playerLookup()));
      this.players = List.copyOf(lookups);
    }

    /** How many rows. */
    int count() {
      return rows.size();
    }

    /** Every player with a row, sorted by lookup. */
    List<String> players() {
      return players;
    }

    /** The last date with games: the default game date, so that every window is full. */
    Optional<LocalDate> lastGameDate() {
      return rows.stream().map(GameRow::gameDate).max(LocalDate::compareTo);
    }

    /** The first date with games. */
    Optional<LocalDate> firstGameDate() {
      return rows.stream().map(GameRow::gameDate).min(LocalDate::compareTo);
    }
  }
}
