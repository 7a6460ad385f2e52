package dev.gamehistory.loader.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.settings.LoaderSettings;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 10,000 players in one load, the result paged: every row read, mapped and checked. Surefire runs
 * this class alone in a JVM with {@code -Xmx256m} (the {@code large-result} execution), so the load,
 * the fake's stubs and the result together fit in 256 MB of heap. The execution selects it by its
 * tag, and the default one leaves it out by the same tag.
 */
@Tag("large-result")
class LargeResultTest {

  private static final LocalDate DATE = LocalDate.of(2024, 1, 10);
  private static final int PLAYERS = 10_000;
  private static final int GAMES = 10;
  private static final int PAGE = 10_000;

  @Test
  void load_tenThousandPlayersPaged_everyRowLoadedWithinABoundedHeap() {
    assertThat(Runtime.getRuntime().maxMemory()).as("the heap bound of the large-result execution")
        .isLessThanOrEqualTo(256L * 1024 * 1024);
    List<String> players = IntStream.range(0, PLAYERS).mapToObj(i -> String.format("player_%05d", i)).toList();
    List<List<String>> rows = new ArrayList<>(PLAYERS * GAMES);
    for (String player : players) {
      for (int rank = 1; rank <= GAMES; rank++) {
        LocalDate date = DATE.minusDays(2L * rank);
        rows.add(java.util.Arrays.asList(player, date.toString(), "BOS", Integer.toString(10 + rank), "30.5", Integer.toString(rank),
            rank < GAMES ? "2" : null));
      }
    }
    try (FakeBigQueryServer fake = new FakeBigQueryServer()) {
      fake.queryCompletesPaged(rows, PAGE);
      LoaderSettings settings = fake.settings(Duration.ofSeconds(120), Duration.ofSeconds(180)).build();
      rows = null;
      LoadResult result;
      try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder()
          .backend(BigQueryGamesQuery.builder().fromSettings(settings).pageSize(PAGE).build())
          .settings(settings).build()) {
        result = loader.load(LoadRequest.of(DATE, players));
      }

      assertThat(result.isComplete()).isTrue();
      assertThat(result.outcomes()).hasSize(PLAYERS);
      assertThat(result.report().attempts()).singleElement().satisfies(a -> {
        assertThat(a.rows()).isEqualTo((long) PLAYERS * GAMES);
        assertThat(a.statistics().orElseThrow().requests()).hasValue(PLAYERS * GAMES / PAGE);
      });
      List<HistoricalGame> last = result.games(players.get(PLAYERS - 1));
      assertThat(last).hasSize(GAMES);
      assertThat(last.get(0).gameDate()).isEqualTo(DATE.minusDays(2));
      assertThat(last.get(GAMES - 2).restDays()).isEqualTo(OptionalInt.of(2));
      assertThat(last.get(GAMES - 1).restDays()).isEmpty();
      assertThat(fake.calls()).hasSize(PLAYERS * GAMES / PAGE).first().isEqualTo("jobs.query");
    }
  }
}
