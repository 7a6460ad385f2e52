package dev.gamehistory.loader.spring;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The context runner of the tests, and test backends. */
final class Runners {

  private Runners() {}

  /**
   * The starter's auto-configurations over the in-memory backend, with the environment variables
   * replaced by {@code variables} so that the machine's own {@code HGL_*} variables play no part.
   */
  static ApplicationContextRunner runner(Map<String, Object> variables) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            HistoricalGamesLoaderAutoConfiguration.class, HistoricalGamesLoaderHealthAutoConfiguration.class))
        .withInitializer(context -> context.getEnvironment().getPropertySources().replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)))
        .withPropertyValues("hgl.backend=in-memory");
  }

  static ApplicationContextRunner runner() {
    return runner(Map.of());
  }

  /** A request for one player the generated league does not have: loaded, with no games. */
  static LoadRequest request(HistoricalGamesLoader loader) {
    return loader.newRequest(LocalDate.of(2024, 3, 1), List.of("nobody")).build();
  }

  /** A backend whose check fails and that counts its closes; its queries fail. */
  static class BrokenBackend implements GamesQuery {
    final AtomicInteger closes = new AtomicInteger();

    @Override
    public String name() {
      return "broken";
    }

    @Override
    public QueryResult fetch(WindowQuery query, QueryContext context) {
      throw BackendException.permanentError("notFound", "table test.hgl.games was not found", null);
    }

    @Override
    public void check() {
      throw BackendException.permanentError("notFound", "table test.hgl.games was not found", null);
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }
}
