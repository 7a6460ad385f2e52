package dev.gamehistory.loader.spring;

import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.util.Objects;

/**
 * A backend bean as the loader sees it: every call goes to the bean but {@link #close()}, which
 * does nothing, since the container closes the bean itself (after the loader, which depends on it).
 */
final class ContainerOwnedGamesQuery implements GamesQuery {

  private final GamesQuery backend;

  /** A view of {@code backend} that does not close it. */
  public ContainerOwnedGamesQuery(GamesQuery backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  @Override
  public String name() {
    return backend.name();
  }

  @Override
  public QueryResult fetch(WindowQuery query, QueryContext context) {
    return backend.fetch(query, context);
  }

  @Override
  public void check() {
    backend.check();
  }

  /** Does nothing: the container closes the backend bean. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return backend.toString();
  }
}
