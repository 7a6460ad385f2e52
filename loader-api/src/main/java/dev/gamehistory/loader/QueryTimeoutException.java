package dev.gamehistory.loader;

import dev.gamehistory.loader.internal.Internals;
import java.time.Duration;

/** A query ran past its per-query timeout; the engine cancelled it through the backend. */
public final class QueryTimeoutException extends LoaderException {

  private static final long serialVersionUID = 1L;

  private final Duration timeout;
  private final int players;

  private QueryTimeoutException(String message, Duration timeout, int players) {
    super(message);
    this.timeout = timeout;
    this.players = players;
  }

  /** A query of {@code players} players that did not finish within {@code timeout}. */
  public static QueryTimeoutException of(Duration timeout, int players) {
    return new QueryTimeoutException(
        "query for " + Internals.count(players, "player", "players") + " did not finish within its timeout of "
            + timeout.toMillis() + " ms; cancelled",
        timeout,
        players);
  }

  /** The per-query timeout that ran out. */
  public Duration timeout() {
    return timeout;
  }

  /** How many players the query asked for. */
  public int players() {
    return players;
  }

  @Override
  public FailureKind kind() {
    return FailureKind.TIMEOUT;
  }

  /** A smaller or later query may finish in time. */
  @Override
  public boolean isRetryable() {
    return true;
  }
}
