package dev.gamehistory.loader.spring;

import static dev.gamehistory.loader.spring.Runners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.spi.GamesQuery;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;

class GamesQueryHealthIndicatorTest {

  @Test
  void health_ofTheInMemoryBackend_isUp() {
    runner().run(context -> {
      Health health = context.getBean("hglHealthIndicator", HealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).isEqualTo(Map.of("backend", "in-memory"));
    });
  }

  @Test
  void health_whenTheCheckThrows_isDownWithTheMessageAndKind() {
    runner().withBean(GamesQuery.class, Runners.BrokenBackend::new).run(context -> {
      Health health = context.getBean("hglHealthIndicator", HealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).isEqualTo(Map.of("backend", "broken", "kind", "BACKEND", "reason", "notFound",
          "error", "table test.hgl.games was not found"));
    });
  }

  @Test
  void health_whenTheCheckThrowsAnotherException_isDownWithItsMessage() {
    GamesQuery backend = new Runners.BrokenBackend() {
      @Override
      public void check() {
        throw new IllegalStateException("no connection");
      }
    };
    Health health = new GamesQueryHealthIndicator(backend).health();
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails()).isEqualTo(Map.of("backend", "broken", "error", "no connection"));
  }

  @Test
  void health_ofABigQueryBackendThatCannotBeReached_isDownWithABackendFailure() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    runner().withPropertyValues("hgl.backend=bigquery", "hgl.bigquery.project=test",
            "hgl.bigquery.table=test.hgl.games", "hgl.bigquery.host=http://127.0.0.1:" + port)
        .run(context -> {
          Health health = context.getBean("hglHealthIndicator", HealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.getDetails()).containsEntry("backend", "bigquery").containsEntry("kind", "BACKEND")
              .containsKey("error");
        });
  }

  @Test
  void indicator_whenDisabled_isLeftOut() {
    runner().withPropertyValues("management.health.hgl.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("hglHealthIndicator"));
  }

  @Test
  void indicator_withoutSpringBootHealth_isLeftOutAndTheLoaderStillStarts() {
    runner().withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(context -> assertThat(context).doesNotHaveBean("hglHealthIndicator").hasBean("historicalGamesLoader"));
  }
}
