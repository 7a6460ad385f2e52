package dev.gamehistory.examples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.testkit.HglLoaderExtension;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

// README:begin
class CoordinatorOnManualTimeTest {

  @RegisterExtension
  final HglLoaderExtension hgl = HglLoaderExtension.league(42, 1)
      .withSettings(Map.of("strategy", "adaptive", "query-timeout", "2s", "deadline", "30s"));

  private final List<WorkerMessage> sent = new ArrayList<>();
  private final LocalDate gameDay = LocalDate.of(2022, 1, 15);

  private GameDayReport prepare() {
    GameDayCoordinator coordinator = GameDayCoordinator.builder()
        .loader(hgl.loader()).slate(hgl.league()::slate).sink(sent::add).build();
    return coordinator.prepare(gameDay); // load() drives the manual clock until the load ends
  }

  @Test
  void prepare_firstQueryHangs_itIsCancelledAtItsTimeoutAndEveryPlayerIsSent() {
    hgl.faults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.hang()).build());

    GameDayReport report = prepare();

    assertThat(report.missing()).isEmpty();
    assertThat(sent).hasSize(hgl.league().slate(gameDay).size()).noneMatch(WorkerMessage::historyMissing);
    assertThat(hgl.time().elapsed()).isEqualTo(Duration.ofSeconds(2)); // one per-query timeout, no more
  }

  @Test
  void prepare_transientErrorOnce_everyPlayerIsSent() {
    hgl.faults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.transientError(Fault.RATE_LIMIT_EXCEEDED)).build());

    GameDayReport report = prepare();

    assertThat(report.missing()).isEmpty();
    assertThat(sent).noneMatch(WorkerMessage::historyMissing);
  }

  @Test
  void prepare_onePlayersQueriesAlwaysTimeOut_heIsSentFlaggedMissingNeverEmpty() {
    String stuck = hgl.league().slate(gameDay).get(3);
    hgl.faults(FaultPlan.builder().on(QuerySelector.containingPlayer(stuck), Fault.hang()).build());

    GameDayReport report = prepare();

    assertThat(report.missing()).containsOnlyKeys(stuck);
    assertThat(report.missing().get(stuck)).isEqualTo(FailureKind.TIMEOUT);
    assertThat(sent).filteredOn(WorkerMessage::historyMissing).singleElement()
        .satisfies(message -> assertThat(message.player()).isEqualTo(stuck));
  }
}
// README:end
