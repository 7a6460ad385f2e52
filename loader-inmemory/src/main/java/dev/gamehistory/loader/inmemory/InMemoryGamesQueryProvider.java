package dev.gamehistory.loader.inmemory;

import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.GamesQueryProvider;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code in-memory} backend for {@link dev.gamehistory.loader.HistoricalGamesLoader#fromSettings}.
 *
 * <p>Keys: {@code in-memory.csv} (a games CSV file, see {@link GamesCsv}) or else a generated
 * league with {@code in-memory.seed} (a whole number, default 42) and {@code in-memory.seasons}
 * (1..10, default 1). A CSV file together with a seed or seasons is a conflict. Any other key
 * under {@code in-memory.} is rejected. The backend has no faults.
 */
public final class InMemoryGamesQueryProvider implements GamesQueryProvider {

  /** The CSV file to answer from. */
  public static final String CSV = "in-memory.csv";
  /** The generated league's seed. */
  public static final String SEED = "in-memory.seed";
  /** The generated league's number of seasons. */
  public static final String SEASONS = "in-memory.seasons";
  /** The default seed. */
  public static final long DEFAULT_SEED = 42;

  private static final String PREFIX = "in-memory.";
  private static final List<String> KEYS = List.of(CSV, SEED, SEASONS);

  /** A provider; {@link java.util.ServiceLoader} calls this. */
  public InMemoryGamesQueryProvider() {}

  @Override
  public String name() {
    return InMemoryGamesQuery.NAME;
  }

  /**
   * An in-memory backend over the configured CSV file or generated league.
   *
   * @throws LoaderSettingsException naming the key and the value for an unknown key, a bad value,
   *     an unreadable or malformed CSV file, or a CSV file given with a seed or seasons
   */
  @Override
  public GamesQuery create(LoaderSettings settings) {
    Map<String, String> properties = settings.backendProperties();
    for (Map.Entry<String, String> entry : properties.entrySet()) {
      String key = entry.getKey();
      if (key.startsWith(PREFIX) && !KEYS.contains(key)) {
        throw new LoaderSettingsException(key, entry.getValue(),
            key + ": unknown in-memory setting (known: " + String.join(", ", KEYS) + "); got '" + entry.getValue()
                + "'");
      }
    }
    String csv = properties.get(CSV);
    if (csv != null) {
      for (String other : List.of(SEED, SEASONS)) {
        String value = properties.get(other);
        if (value != null) {
          throw new LoaderSettingsException(other, value,
              other + ": cannot be combined with " + CSV + " (rows come from the file); got '" + value + "'");
        }
      }
      return InMemoryGamesQuery.builder().rows(readCsv(csv)).build();
    }
    long seed = parseSeed(properties.get(SEED));
    int seasons = parseSeasons(properties.get(SEASONS));
    return InMemoryGamesQuery.builder().league(LeagueGenerator.generate(seed, seasons)).build();
  }

  private static List<GameRow> readCsv(String value) {
    if (value.isBlank()) {
      throw new LoaderSettingsException(CSV, value, CSV + ": must name a CSV file; got '" + value + "'");
    }
    Path file;
    try {
      file = Path.of(value);
    } catch (InvalidPathException e) {
      throw new LoaderSettingsException(CSV, value, CSV + ": not a valid path; got '" + value + "'", e);
    }
    try {
      return GamesCsv.read(file);
    } catch (UncheckedIOException e) {
      throw new LoaderSettingsException(CSV, value,
          CSV + ": cannot read the file (" + e.getCause().getClass().getSimpleName() + "); got '" + value + "'", e);
    } catch (CsvFormatException e) {
      throw new LoaderSettingsException(CSV, value, CSV + ": " + e.getMessage(), e);
    }
  }

  private static long parseSeed(@Nullable String value) {
    if (value == null) {
      return DEFAULT_SEED;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new LoaderSettingsException(SEED, value, SEED + ": must be a whole number; got '" + value + "'", e);
    }
  }

  private static int parseSeasons(@Nullable String value) {
    if (value == null) {
      return 1;
    }
    int seasons;
    try {
      seasons = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      seasons = -1;
    }
    if (seasons < 1 || seasons > LeagueGenerator.MAX_SEASONS) {
      throw new LoaderSettingsException(SEASONS, value,
          SEASONS + ": must be a whole number between 1 and " + LeagueGenerator.MAX_SEASONS + "; got '" + value + "'");
    }
    return seasons;
  }
}
