package dev.gamehistory.examples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
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
}
