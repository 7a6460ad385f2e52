package dev.gamehistory.loader.testkit;

import static dev.gamehistory.loader.testkit.HglAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.QuerySelector;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JUnit extension: a loader per test on manual time, faults per test, parameters, closed after each test. */
class HglLoaderExtensionTest {

  private static HistoricalGamesLoader previous;

  @RegisterExtension
  final HglLoaderExtension hgl = HglLoaderExtension.league(42, 1)
      .withSettings(Map.of("strategy", "adaptive", "query-timeout", "2s", "deadline", "30s"));

  private LoadRequest request(int players) {
    LocalDate gameDate = hgl.league().pickGameDate(1);
    return LoadRequest.builder(gameDate).players(hgl.league().slate(gameDate).subList(0, players)).build();
  }

  @Test
  void loader_firstQueryHangs_loadDrivesManualTimeAndSplitsPastIt() {
    hgl.faults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.hang()).build());

    LoadResult result = hgl.loader().load(request(6));

    assertThat(result).isComplete();
    assertThat(hgl.time().elapsed()).isEqualTo(Duration.ofSeconds(2));
    assertThat(hgl.backend().history()).hasSize(3);
    previous = hgl.loader();
  }

  @Test
  void parameters_areThisTestsLoaderClockBackendLeagueAndClient(HistoricalGamesLoader loader, ManualTime time,
      InMemoryGamesQuery backend, League league, PlayerHistoryClient client) {
    assertThat(loader).isSameAs(hgl.loader());
    assertThat(time).isSameAs(hgl.time());
    assertThat(backend).isSameAs(hgl.backend());
    assertThat(league).isSameAs(hgl.league());
    assertThat(client).isSameAs(hgl.client());
    LocalDate gameDate = league.pickGameDate(1);
    assertThat(client.games(league.slate(gameDate).get(0), gameDate)).isNotEmpty();
    previous = loader;
  }

  @Test
  void faults_afterTheBackendWasMade_areRefusedNamingWhatToDo() {
    hgl.backend();

    assertThatThrownBy(() -> hgl.faults(FaultPlan.always(Fault.hang())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this test's backend is already made: set its faults before the first loader(), backend() or client()");
  }

  @Test
  void withFaults_everyTestsBackend_aTransientErrorIsSplitAndEveryPlayerLoads() {
    HglLoaderExtension failing = HglLoaderExtension.league(42, 1)
        .withFaults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.transientError(Fault.BACKEND_ERROR)).build());
    try {
      failing.beforeEach(null);
      LocalDate gameDate = failing.league().pickGameDate(1);
      LoadResult result = failing.loader().load(LoadRequest.of(gameDate, failing.league().slate(gameDate).subList(0, 3)));
      assertThat(result).isComplete();
      assertThat(failing.backend().history()).hasSize(3); // the failed query, then its halves
    } finally {
      failing.afterEach(null);
    }
  }

  @Test
  void rows_noLeague_leagueIsRefused() {
    HglLoaderExtension rows = HglLoaderExtension.rows(List.of());

    assertThatThrownBy(rows::league).isInstanceOf(IllegalStateException.class)
        .hasMessage("the data is not a generated league: use HglLoaderExtension.league(...)");
    rows.beforeEach(null);
    try {
      assertThat(rows.loader().load(LoadRequest.of(LocalDate.of(2024, 1, 1), List.of("nobody")))).isComplete();
    } finally {
      rows.afterEach(null);
    }
  }

  @AfterAll
  static void eachTestsLoaderWasClosed() {
    assertThatThrownBy(() -> previous.loadAsync(LoadRequest.of(LocalDate.of(2024, 1, 1), List.of("a"))))
        .isInstanceOf(IllegalStateException.class).hasMessage("loader is closed");
    assertThat(FailureKind.DEADLINE).isNotNull();
  }
}
