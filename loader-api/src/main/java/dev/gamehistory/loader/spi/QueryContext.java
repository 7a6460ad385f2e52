package dev.gamehistory.loader.spi;

import java.time.Duration;
import java.time.Instant;

/**
 * What the engine tells a backend about one query it runs: how long it may take and whether it was
 * cancelled. A backend must stop its server-side work when cancelled (register the action with
 * {@link #onCancel(Runnable)}) and should not wait past {@link #deadline()}.
 */
public interface QueryContext {

  /** A short id of this query, unique within the loader, usable in job ids and labels. */
  String queryId();

  /** 1 for the first try of these players, 2 for the first retry, ... */
  int attempt();

  /** When the engine stops waiting: the per-query timeout or the load's deadline, whichever is first. */
  Instant deadline();

  /** Time left until {@link #deadline()}; zero once it has passed. */
  Duration remaining();

  /** Whether the engine cancelled this query (timeout, deadline, load cancelled, loader closed). */
  boolean isCancelled();

  /**
   * Runs {@code action} once when the query is cancelled, on the cancelling thread; at once when it
   * already is. Actions must be quick and must not throw.
   */
  void onCancel(Runnable action);

  /**
   * Waits until the query is cancelled or {@code max} has passed on the engine's clock.
   *
   * @return whether the query was cancelled
   * @throws InterruptedException when the waiting thread is interrupted
   */
  boolean awaitCancellation(Duration max) throws InterruptedException;
}
