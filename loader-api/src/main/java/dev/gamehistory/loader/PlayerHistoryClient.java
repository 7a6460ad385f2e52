package dev.gamehistory.loader;

import dev.gamehistory.loader.internal.Internals;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One player at a time, batched: calls from any number of threads for the same game date and window
 * are gathered for at most {@link BatchingPolicy#maxDelay()} (or until
 * {@link BatchingPolicy#maxPlayers()} distinct players wait) and sent to the loader as one load;
 * each caller gets its own player's outcome. A lone caller pays at most the window; no caller waits
 * past the loader's deadline, measured from its call.
 *
 * <pre>{@code
 * try (PlayerHistoryClient client = PlayerHistoryClient.of(loader)) {
 *   List<HistoricalGame> games = client.games("lebron_james", LocalDate.of(2024, 3, 1));
 * }
 * }</pre>
 *
 * <p>Cancelling a call's future stops its wait; a load is cancelled when every call in it was.
 * Closing the client fails the calls still gathering and cancels its loads running (those calls
 * fail as cancelled); it leaves the loader open. Thread-safe.
 */
public final class PlayerHistoryClient implements AutoCloseable {

  private final HistoricalGamesLoader loader;
  private final Internals.Client batcher;

  private PlayerHistoryClient(HistoricalGamesLoader loader, BatchingPolicy policy, @Nullable TimeSource time) {
    this.loader = Objects.requireNonNull(loader, "loader");
    this.batcher = Internals.client(loader, Objects.requireNonNull(policy, "policy"), time);
  }

  /**
   * A client over {@code loader} with its settings' {@link LoaderSettings#batching() batching}, timed
   * on the loader's {@link HistoricalGamesLoader#timeSource() time source} when it was given one (a
   * manual clock in tests), else on a timer thread of its own.
   *
   * @throws IllegalArgumentException when the window is not shorter than the loader's deadline
   */
  public static PlayerHistoryClient of(HistoricalGamesLoader loader) {
    return of(loader, loader.settings().batching());
  }

  /**
   * A client over {@code loader} batching as {@code policy} says, timed as {@link #of(HistoricalGamesLoader)}.
   *
   * @throws IllegalArgumentException when the window is not shorter than the loader's deadline
   */
  public static PlayerHistoryClient of(HistoricalGamesLoader loader, BatchingPolicy policy) {
    return new PlayerHistoryClient(loader, policy, loader.timeSource().orElse(null));
  }

  /**
   * A client whose windows are timed on {@code timeSource} (not shut down on close), e.g. the
   * testkit's {@code ManualTime}.
   *
   * @throws IllegalArgumentException when the window is not shorter than the loader's deadline
   */
  public static PlayerHistoryClient of(HistoricalGamesLoader loader, BatchingPolicy policy, TimeSource timeSource) {
    return new PlayerHistoryClient(loader, policy, Objects.requireNonNull(timeSource, "timeSource"));
  }

  /**
   * Starts loading {@code player}'s history before {@code gameDate}, with the loader's default
   * lookback days and max games.
   *
   * @throws IllegalArgumentException naming the field for a blank player or a window out of range
   * @throws IllegalStateException when the client is closed
   */
  public CompletableFuture<PlayerOutcome> loadAsync(String player, LocalDate gameDate) {
    LoaderSettings settings = loader.settings();
    return loadAsync(player, gameDate, settings.lookbackDays(), settings.maxGames());
  }

  /**
   * Starts loading {@code player}'s most recent {@code maxGames} games in the {@code lookbackDays}
   * days before {@code gameDate}; only calls with the same three values share a load.
   *
   * @throws IllegalArgumentException naming the field for a blank player or a window out of range
   * @throws IllegalStateException when the client is closed
   */
  public CompletableFuture<PlayerOutcome> loadAsync(String player, LocalDate gameDate, int lookbackDays,
      int maxGames) {
    Objects.requireNonNull(player, "player");
    Objects.requireNonNull(gameDate, "gameDate");
    return batcher.submit(player, gameDate, lookbackDays, maxGames);
  }

  /**
   * Loads {@code player}'s history, blocking until it has an outcome.
   *
   * @throws LoadCancelledException when the calling thread is interrupted
   */
  public PlayerOutcome load(String player, LocalDate gameDate) {
    return batcher.await(loadAsync(player, gameDate));
  }

  /**
   * {@code player}'s games, newest first; empty when the player truly has no game in the window.
   *
   * @throws PlayerLoadFailedException when the player's load failed, with the typed cause
   */
  public List<HistoricalGame> games(String player, LocalDate gameDate) {
    PlayerOutcome outcome = load(player, gameDate);
    if (outcome instanceof PlayerOutcome.Failed failed) {
      throw new PlayerLoadFailedException(player, failed.cause());
    }
    return ((PlayerOutcome.Loaded) outcome).games();
  }

  /** The batching in force. */
  public BatchingPolicy policy() {
    return batcher.policy();
  }

  /** How many loads this client has sent to the loader. */
  public long loadsSent() {
    return batcher.loadsSent();
  }

  /** Fails the calls still gathering, cancels the loads running, ends the client's threads. Idempotent. */
  @Override
  public void close() {
    batcher.close();
  }

  @Override
  public String toString() {
    return "PlayerHistoryClient{" + batcher.policy().describe() + ", loadsSent=" + batcher.loadsSent() + "}";
  }
}
