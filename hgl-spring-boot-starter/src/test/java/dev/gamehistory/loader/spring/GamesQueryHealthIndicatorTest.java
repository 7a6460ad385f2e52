package dev.gamehistory.loader.spring;

import static dev.gamehistory.loader.spring.Runners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gamehistory.loader.spi.GamesQuery;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
  void health_ofABigQueryBackendWhoseQueriesWouldFail_isDownWithBigQuerysError() throws IOException {
    // A BigQuery whose dataset is in europe-west2: a query sent to US fails, one without a location runs.
    HttpServer bigquery = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    bigquery.createContext("/bigquery/v2/projects/test/queries", exchange -> {
      // The client sends JSON bodies gzipped.
      java.io.InputStream in = exchange.getRequestBody();
      if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        in = new java.util.zip.GZIPInputStream(in);
      }
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      boolean us = body.contains("\"location\":\"US\"");
      byte[] answer = (us
          ? "{\"error\":{\"code\":404,\"message\":\"Not found: Dataset test:hgl was not found in location US\","
              + "\"errors\":[{\"reason\":\"notFound\",\"message\":\"Not found: Dataset test:hgl was not found in"
              + " location US\"}]}}"
          : "{\"kind\":\"bigquery#queryResponse\",\"jobComplete\":true,\"totalBytesProcessed\":\"0\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(us ? 404 : 200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    bigquery.start();
    String[] properties = {"hgl.backend=bigquery", "hgl.bigquery.project=test", "hgl.bigquery.table=test.hgl.games",
        "hgl.bigquery.host=http://127.0.0.1:" + bigquery.getAddress().getPort()};
    try {
      runner().withPropertyValues(properties).withPropertyValues("hgl.bigquery.location=US").run(context -> {
        Health health = context.getBean("hglHealthIndicator", HealthIndicator.class).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).isEqualTo(Map.of("backend", "bigquery", "kind", "BACKEND",
            "reason", "notFound", "error", "Not found: Dataset test:hgl was not found in location US"));
      });
      runner().withPropertyValues(properties).run(context ->
          assertThat(context.getBean("hglHealthIndicator", HealthIndicator.class).health().getStatus())
              .isEqualTo(Status.UP));
    } finally {
      bigquery.stop(0);
    }
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
