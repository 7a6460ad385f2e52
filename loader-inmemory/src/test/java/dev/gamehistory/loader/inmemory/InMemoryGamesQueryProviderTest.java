package dev.gamehistory.loader.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryGamesQueryProviderTest {

  private final InMemoryGamesQueryProvider provider = new InMemoryGamesQueryProvider();

  @TempDir
  Path dir;

  @Test
  void name_isInMemory() {
    assertThat(provider.name()).isEqualTo("in-memory");
  }

  @Test
  void create_noKeys_answersFromTheLeagueOfSeed42AndOneSeason() {
    InMemoryGamesQuery backend = (InMemoryGamesQuery) provider.create(LoaderSettings.defaults());

    assertThat(backend.rows()).isEqualTo(LeagueGenerator.generate(42, 1).rows());
  }

  @Test
  void create_seedAndSeasons_answerFromThatLeague() {
    InMemoryGamesQuery backend = (InMemoryGamesQuery) provider.create(settings(Map.of(
        "in-memory.seed", "-7", "in-memory.seasons", "2")));

    assertThat(backend.rows()).isEqualTo(LeagueGenerator.generate(-7, 2).rows());
  }

  @Test
  void create_csv_answersFromTheFile() throws Exception {
    Path file = dir.resolve("games.csv");
    Files.writeString(file, "player_lookup,game_date,opponent_team_abbr,points,minutes_played\n"
        + "alpha,2024-02-28,BOS,20,31.0\n", StandardCharsets.UTF_8);

    InMemoryGamesQuery backend = (InMemoryGamesQuery) provider.create(settings(Map.of("in-memory.csv", file.toString())));

    assertThat(backend.rows()).containsExactly(GameRow.of("alpha", "2024-02-28", "BOS", 20, "31.0"));
  }

  @Test
  void fromSettings_findsTheProviderOnTheClassPath() {
    LoaderSettings settings = settings(Map.of("backend", "in-memory", "in-memory.seed", "5"));
    League league = LeagueGenerator.generate(5, 1);
    LocalDate gameDate = league.pickGameDate(2);

    LoadResult result;
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.fromSettings(settings)) {
      result = loader.load(loader.newRequest(gameDate, league.slate(gameDate)).build());
    }

    assertThat(result.isComplete()).isTrue();
    assertThat(result.report().backend()).isEqualTo("in-memory");
    assertThat(result.loaded().values().stream().filter(games -> !games.isEmpty()).count()).isGreaterThan(100);
  }

  @Test
  void create_badSeed_failsNamingKeyAndValue() {
    assertBad(Map.of("in-memory.seed", "4x2"), "in-memory.seed", "4x2", "in-memory.seed: must be a whole number; got '4x2'");
  }

  @Test
  void create_seasonsOutOfRange_failsNamingKeyAndValue() {
    assertBad(Map.of("in-memory.seasons", "0"), "in-memory.seasons", "0",
        "in-memory.seasons: must be a whole number between 1 and 10; got '0'");
    assertBad(Map.of("in-memory.seasons", "11"), "in-memory.seasons", "11",
        "in-memory.seasons: must be a whole number between 1 and 10; got '11'");
    assertBad(Map.of("in-memory.seasons", "two"), "in-memory.seasons", "two",
        "in-memory.seasons: must be a whole number between 1 and 10; got 'two'");
  }

  @Test
  void create_unknownKey_failsNamingTheKnownOnes() {
    assertBad(Map.of("in-memory.sead", "1"), "in-memory.sead", "1",
        "in-memory.sead: unknown in-memory setting (known: in-memory.csv, in-memory.seed, in-memory.seasons); got '1'");
  }

  @Test
  void create_csvWithSeed_isAConflict() {
    assertBad(Map.of("in-memory.csv", "games.csv", "in-memory.seed", "1"), "in-memory.seed", "1",
        "in-memory.seed: cannot be combined with in-memory.csv (rows come from the file); got '1'");
  }

  @Test
  void create_missingCsv_failsNamingTheFile() {
    String missing = dir.resolve("missing.csv").toString();

    assertBad(Map.of("in-memory.csv", missing), "in-memory.csv", missing,
        "in-memory.csv: cannot read the file (NoSuchFileException); got '" + missing + "'");
    assertBad(Map.of("in-memory.csv", " "), "in-memory.csv", " ", "in-memory.csv: must name a CSV file; got ' '");
  }

  @Test
  void create_malformedCsv_failsWithFileAndLine() throws Exception {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, "player_lookup,game_date,opponent_team_abbr,points,minutes_played\n"
        + "alpha,2024-02-28,BOS,lots,31.0\n", StandardCharsets.UTF_8);

    assertBad(Map.of("in-memory.csv", file.toString()), "in-memory.csv", file.toString(),
        "in-memory.csv: " + file + ":2: points is not a whole number; got 'lots'");
  }

  @Test
  void serviceFile_registersTheProvider() {
    List<String> names = java.util.ServiceLoader.load(dev.gamehistory.loader.spi.GamesQueryProvider.class).stream()
        .map(p -> p.get().name()).toList();

    assertThat(names).contains("in-memory");
  }

  private void assertBad(Map<String, String> properties, String key, String value, String message) {
    assertThatThrownBy(() -> provider.create(settings(properties)))
        .isInstanceOfSatisfying(LoaderSettingsException.class, e -> {
          assertThat(e.key()).isEqualTo(key);
          assertThat(e.value()).isEqualTo(value);
        })
        .hasMessage(message);
  }

  private static LoaderSettings settings(Map<String, String> properties) {
    return LoaderSettings.builder().backendProperties(properties).build();
  }
}
