package dev.gamehistory.loader.spring;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.spi.GamesQuery;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A backend's health: {@link GamesQuery#check()}, called on every health request (for BigQuery, a
 * dry run of the statement, {@code jobs.query} with {@code dryRun}, for one placeholder player over
 * one day in the jobs' location, so that it fails where a query would: a missing table, no access,
 * a dataset in another location, an invalid statement; nothing is executed or billed; the in-memory
 * backend is always up). UP when it returns; DOWN when it throws, with the exception's message ({@code error}) and,
 * for a {@link LoaderException}, its {@code kind} (and a {@link BackendException}'s {@code reason}).
 * Every result has the backend's name ({@code backend}).
 */
public final class GamesQueryHealthIndicator implements HealthIndicator {

  private final GamesQuery backend;

  /** The health of {@code backend}. */
  public GamesQueryHealthIndicator(GamesQuery backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  @Override
  public Health health() {
    String name = backend.name();
    try {
      backend.check();
      return Health.up().withDetail("backend", name).build();
    } catch (LoaderException e) {
      Health.Builder down = Health.down().withDetail("backend", name).withDetail("kind", e.kind().name());
      if (e instanceof BackendException backendError) {
        down.withDetail("reason", backendError.reason());
      }
      return down.withDetail("error", message(e)).build();
    } catch (RuntimeException e) {
      return Health.down().withDetail("backend", name).withDetail("error", message(e)).build();
    }
  }

  private static String message(RuntimeException e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getName() : message;
  }
}
