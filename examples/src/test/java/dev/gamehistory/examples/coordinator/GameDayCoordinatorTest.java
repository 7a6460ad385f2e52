package dev.gamehistory.examples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.inmemory.RecordedQuery;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.testkit.InMemoryLoaders;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The coordinator on the testkit: every slate player gets one message, and a failure is never an empty history. */
class GameDayCoordinatorTest {

  private static final League LEAGUE = LeagueGenerator.generate(42, 1);
  private static final LocalDate GAME_DAY = LocalDate.of(2022, 1, 15);
  private static final Slate SLATE = LEAGUE::slate;

  private final List<WorkerMessage> sent = new ArrayList<>();

  private GameDayCoordinator coordinator(Map<String, String> settings, FaultPlan faults) {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(LEAGUE).faults(faults).build();
    HistoricalGamesLoader loader = InMemoryLoaders.create(LoaderSettings.fromMap(settings), backend);
    return GameDayCoordinator.builder().loader(loader).slate(SLATE).sink(sent::add).build();
  }

  private List<String> playersSent() {
    return sent.stream().map(WorkerMessage::player).toList();
  }

  @Test
  void prepare_allLoaded() {
    List<String> slate = LEAGUE.slate(GAME_DAY);
    GameDayReport report;
    try (GameDayCoordinator coordinator = coordinator(Map.of(), FaultPlan.none())) {
      report = coordinator.prepare(GAME_DAY);
    }

    assertThat(slate).hasSizeGreaterThan(20);
    assertThat(playersSent()).containsExactlyElementsOf(slate);
    assertThat(sent).allSatisfy(message -> {
      assertThat(message.historyMissing()).isFalse();
      assertThat(message.missingReason()).isNull();
      assertThat(message.gameDate()).isEqualTo(GAME_DAY);
      assertThat(message.history()).allSatisfy(game -> {
        assertThat(game.playerLookup()).isEqualTo(message.player());
        assertThat(game.gameDate()).isBefore(GAME_DAY).isAfterOrEqualTo(GAME_DAY.minusDays(90));
      });
    });
    assertThat(sent).anySatisfy(message -> assertThat(message.history()).hasSize(30));
    assertThat(report.isComplete()).isTrue();
    assertThat(report.delivered()).isEqualTo(slate.size());
    assertThat(report.retried()).isEmpty();
    assertThat(report.retryLoad()).isEmpty();
    assertThat(report.queryCount()).isEqualTo(1);
  }

  @Test
  void prepare_permanentFailureIsFlaggedNotEmpty() {
    List<String> slate = LEAGUE.slate(GAME_DAY);
    String broken = slate.get(3);
    FaultPlan faults = FaultPlan.builder().on(QuerySelector.containingPlayer(broken), Fault.permanentError()).build();
    GameDayReport report;
    try (GameDayCoordinator coordinator = coordinator(Map.of("strategy", "per-player"), faults)) {
      report = coordinator.prepare(GAME_DAY);
    }

    assertThat(playersSent()).hasSize(slate.size()).containsExactlyInAnyOrderElementsOf(slate);
    assertThat(playersSent()).last().isEqualTo(broken);
    WorkerMessage flagged = sent.get(sent.size() - 1);
    assertThat(flagged.historyMissing()).isTrue();
    assertThat(flagged.missingReason()).isEqualTo("BACKEND");
    assertThat(flagged.history()).isEmpty();
    assertThat(sent.subList(0, sent.size() - 1)).allSatisfy(message -> assertThat(message.historyMissing()).isFalse());
    assertThat(report.retried()).containsExactly(broken);
    assertThat(report.missing()).containsExactly(Map.entry(broken, FailureKind.BACKEND));
    assertThat(report.recovered()).isEmpty();
    assertThat(report.delivered()).isEqualTo(slate.size() - 1);
    assertThat(report.retryLoad()).map(LoadReport::queryCount).contains(1);
  }

  @Test
  void prepare_transientFailureFixedByTheRetry() {
    List<String> slate = LEAGUE.slate(GAME_DAY);
    FaultPlan faults = FaultPlan.builder().on(QuerySelector.nth(1), Fault.transientError()).build();
    GameDayReport report;
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(LEAGUE).faults(faults).build();
    HistoricalGamesLoader loader = InMemoryLoaders.create(
        LoaderSettings.fromMap(Map.of("strategy", "batch", "retry.max-attempts", "1")), backend);
    try (GameDayCoordinator coordinator = GameDayCoordinator.builder().loader(loader).slate(SLATE).sink(sent::add)
        .build()) {
      report = coordinator.prepare(GAME_DAY);
    }

    assertThat(backend.history()).extracting(RecordedQuery::outcome)
        .containsExactly(RecordedQuery.Outcome.FAILED, RecordedQuery.Outcome.SUCCEEDED);
    assertThat(playersSent()).containsExactlyElementsOf(slate);
    assertThat(sent).noneMatch(WorkerMessage::historyMissing);
    assertThat(report.retried()).containsExactlyElementsOf(slate);
    assertThat(report.recovered()).containsExactlyElementsOf(slate);
    assertThat(report.isComplete()).isTrue();
    assertThat(report.delivered()).isEqualTo(slate.size());
    assertThat(report.firstLoad()).map(LoadReport::queryCount).contains(1);
  }

  @Test
  void prepare_strategyFromSettings() {
    List<String> slate = LEAGUE.slate(GAME_DAY);
    Properties perPlayer = new Properties();
    perPlayer.setProperty("strategy", "per-player");
    Properties batch = new Properties();
    batch.setProperty("strategy", "batch");

    GameDayReport perPlayerReport;
    try (GameDayCoordinator coordinator = GameDayCoordinator.fromProperties(perPlayer, Map.of(), SLATE, sent::add)) {
      perPlayerReport = coordinator.prepare(GAME_DAY);
    }
    List<WorkerMessage> perPlayerMessages = List.copyOf(sent);
    sent.clear();
    GameDayReport batchReport;
    try (GameDayCoordinator coordinator = GameDayCoordinator.fromProperties(batch, Map.of(), SLATE, sent::add)) {
      batchReport = coordinator.prepare(GAME_DAY);
    }

    assertThat(perPlayerReport.firstLoad().orElseThrow().strategy()).isEqualTo("per-player(parallelism=4)");
    assertThat(perPlayerReport.queryCount()).isEqualTo(slate.size());
    assertThat(batchReport.firstLoad().orElseThrow().strategy()).isEqualTo("batch");
    assertThat(batchReport.queryCount()).isEqualTo(1);
    assertThat(sent).containsExactlyElementsOf(perPlayerMessages);
  }

  @Test
  void fromProperties_environmentOverrides() {
    Properties properties = new Properties();
    properties.setProperty("strategy", "per-player");
    try (GameDayCoordinator coordinator = GameDayCoordinator.fromProperties(properties,
        Map.of("HGL_STRATEGY", "batch"), SLATE, sent::add)) {
      assertThat(coordinator.settings().strategy().describe()).isEqualTo("batch");
    }
  }

  @Test
  void fromProperties_badSetting() {
    Properties properties = new Properties();
    properties.setProperty("chunk-size", "0");
    properties.setProperty("strategy", "chunked");

    assertThatThrownBy(() -> GameDayCoordinator.fromProperties(properties, Map.of(), SLATE, sent::add))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("chunk-size (properties): must be an integer between 1 and 10000; got '0'");
  }

  @Test
  void prepare_emptySlateSendsNothing() {
    GameDayReport report;
    try (GameDayCoordinator coordinator = coordinator(Map.of(), FaultPlan.none())) {
      report = coordinator.prepare(LocalDate.of(2022, 7, 1));
    }

    assertThat(sent).isEmpty();
    assertThat(report.slate()).isEmpty();
    assertThat(report.firstLoad()).isEmpty();
    assertThat(report.isComplete()).isTrue();
  }

  @Test
  void workerMessage_missingHistoryMustBeEmptyWithAReason() {
    assertThatThrownBy(() -> new WorkerMessage("p", GAME_DAY, List.of(), true, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a missing history must be empty and have a reason but had 0 games and reason null");
    assertThatThrownBy(() -> new WorkerMessage("p", GAME_DAY, List.of(), false, "TIMEOUT"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a loaded history must have no missing reason but had TIMEOUT");
    assertThat(WorkerMessage.missing("p", GAME_DAY, FailureKind.TIMEOUT).missingReason()).isEqualTo("TIMEOUT");
  }

  @Test
  void build_withoutLoader() {
    assertThatThrownBy(() -> GameDayCoordinator.builder().slate(SLATE).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("loader, slate and sink are required but loader is missing");
  }
}
