package dev.gamehistory.examples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.spi.GamesQuery;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The coordinator in a Spring Boot service: the starter builds the loader from {@code hgl.*}
 * properties (here the in-memory backend), the coordinator uses it, and the context closes it.
 */
class SpringBootCoordinatorTest {

  /** A service with nothing of its own but auto-configuration. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class Service {}

  /** A service whose test swaps in a backend of its own: the in-memory one with a fault plan. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class ServiceWithTestBackend {
    @Bean
    GamesQuery testBackend() {
      return InMemoryGamesQuery.builder().league(LEAGUE)
          .faults(FaultPlan.builder().on(QuerySelector.containingPlayer(LEAGUE.slate(GAME_DAY).get(0)),
              Fault.permanentError("accessDenied")).build())
          .build();
    }
  }

  private static final League LEAGUE = LeagueGenerator.generate(42, 1);
  private static final LocalDate GAME_DAY = LocalDate.of(2022, 1, 15);

  @Test
  void prepare_onTheStartersLoader_everySlatePlayerGetsOneMessage() {
    List<WorkerMessage> sent = new ArrayList<>();
    GameDayReport report;
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Service.class)
        .web(WebApplicationType.NONE)
        .properties("hgl.backend=in-memory", "hgl.in-memory.seed=42", "hgl.in-memory.seasons=1",
            "hgl.strategy=chunked", "hgl.chunk-size=10", "hgl.parallelism=2")
        .run()) {
      HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
      assertThat(loader.settings().strategy().describe()).isEqualTo("chunked(size=10, parallelism=2)");
      GameDayCoordinator coordinator = GameDayCoordinator.builder().loader(loader).slate(LEAGUE::slate)
          .sink(sent::add).build();
      report = coordinator.prepare(GAME_DAY);
    }

    List<String> slate = LEAGUE.slate(GAME_DAY);
    assertThat(sent).extracting(WorkerMessage::player).containsExactlyElementsOf(slate);
    assertThat(sent).noneMatch(WorkerMessage::historyMissing);
    assertThat(report).isNotNull();
  }

  @Test
  void prepare_aTestsOwnBackendBean_theStartersLoaderRunsOverItAndAFailureIsFlagged() {
    List<WorkerMessage> sent = new ArrayList<>();
    GameDayReport report;
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ServiceWithTestBackend.class)
        .web(WebApplicationType.NONE)
        .properties("hgl.strategy=per-player", "hgl.retry.max-attempts=1")
        .run()) {
      HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
      GameDayCoordinator coordinator = GameDayCoordinator.builder().loader(loader).slate(LEAGUE::slate)
          .sink(sent::add).build();
      report = coordinator.prepare(GAME_DAY);
    }

    String denied = LEAGUE.slate(GAME_DAY).get(0);
    assertThat(report.missing()).containsExactly(Map.entry(denied, FailureKind.BACKEND));
    assertThat(sent).hasSize(LEAGUE.slate(GAME_DAY).size()).filteredOn(WorkerMessage::historyMissing)
        .singleElement().satisfies(message -> assertThat(message.history()).isEmpty());
  }
}
