package dev.gamehistory.loader.settings;

import dev.gamehistory.loader.internal.Internals;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link dev.gamehistory.loader.PlayerHistoryClient} gathers single-player calls into loads: a call waits at most
 * {@code maxDelay} for others on the same game date and window, and a gathering of
 * {@code maxPlayers} distinct players is sent at once.
 *
 * @param maxDelay the longest a call waits for others, 0..10 s; zero sends as soon as the timer runs
 * @param maxPlayers the most distinct players in one load, 1..10,000
 */
public record BatchingPolicy(Duration maxDelay, int maxPlayers) {

  /** The default window: 5 ms. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(5);
  /** The longest window. */
  public static final Duration MAX_MAX_DELAY = Duration.ofSeconds(10);
  /** The default size of a load: 500 players. */
  public static final int DEFAULT_MAX_PLAYERS = 500;
  /** The largest load. */
  public static final int MAX_MAX_PLAYERS = 10_000;

  /** Validates the window and the size. */
  public BatchingPolicy {
    Objects.requireNonNull(maxDelay, "maxDelay");
    TimeoutPolicy.requireNotNegative("maxDelay", maxDelay);
    if (maxDelay.compareTo(MAX_MAX_DELAY) > 0) {
      throw new IllegalArgumentException("maxDelay must be at most " + MAX_MAX_DELAY + " but was " + maxDelay);
    }
    if (maxPlayers < 1 || maxPlayers > MAX_MAX_PLAYERS) {
      throw new IllegalArgumentException(
          "maxPlayers must be between 1 and " + MAX_MAX_PLAYERS + " but was " + maxPlayers);
    }
  }

  /** A 5 ms window and at most 500 players a load. */
  public static BatchingPolicy defaults() {
    return new BatchingPolicy(DEFAULT_MAX_DELAY, DEFAULT_MAX_PLAYERS);
  }

  /** A readable description, e.g. {@code batch up to 500 players within 5ms}. */
  public String describe() {
    return "batch up to " + Internals.count(maxPlayers, "player", "players") + " within " + Internals.format(maxDelay);
  }
}
