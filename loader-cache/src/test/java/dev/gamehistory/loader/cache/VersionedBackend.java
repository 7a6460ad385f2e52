package dev.gamehistory.loader.cache;

import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend whose data has a version that tests bump, as a stat correction would: every requested
 * player has one game, the day before the game date, scoring the version the query read when it
 * reached the backend. A query then waits {@code latency} on the engine's clock.
 */
public final class VersionedBackend implements GamesQuery {

  private final AtomicInteger version = new AtomicInteger(1);
  private final AtomicInteger queries = new AtomicInteger();
  private final Duration latency;

  public VersionedBackend(Duration latency) {
    this.latency = latency;
  }

  /** Corrects the data: later reads see the next version. */
  public int bump() {
    return version.incrementAndGet();
  }

  public int version() {
    return version.get();
  }

  public int queries() {
    return queries.get();
  }

  /** Waits, in real time up to {@code timeout}, until {@code count} queries have reached the backend. */
  public void awaitQueries(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (queries) {
      while (queries.get() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + count + " queries within " + timeout + " but " + queries.get() + " came");
        }
        queries.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** The version a loaded history holds. */
  public static int versionOf(List<HistoricalGame> games) {
    return games.get(0).points().orElseThrow();
  }

  @Override
  public String name() {
    return "versioned";
  }

  @Override
  public QueryResult fetch(WindowQuery query, QueryContext context) {
    int read = version.get();
    synchronized (queries) {
      queries.incrementAndGet();
      queries.notifyAll();
    }
    try {
      if (!latency.isZero() && context.awaitCancellation(latency)) {
        throw LoadCancelledException.of("query cancelled");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LoadCancelledException.of("query interrupted");
    }
    Map<String, List<HistoricalGame>> games = new LinkedHashMap<>();
    for (String player : query.players()) {
      games.put(player, List.of(new HistoricalGame(player, query.windowEnd().minusDays(1), "BOS", OptionalInt.of(read),
          Optional.empty(), 1, OptionalInt.empty())));
    }
    return QueryResult.of(games);
  }
}
