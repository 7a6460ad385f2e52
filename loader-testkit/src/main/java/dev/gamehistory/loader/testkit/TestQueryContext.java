package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.internal.Internals;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link QueryContext} a test controls, for calling a backend's {@code fetch} directly: it never
 * cancels by itself; {@link #cancel()} cancels it, as the engine would on a timeout. Waits follow
 * the given {@link TimeSource}, so with {@link ManualTime} they end only when the test advances.
 */
public final class TestQueryContext implements QueryContext {

  private final Internals.ControlledContext context;

  private TestQueryContext(String queryId, int attempt, TimeSource time, Duration timeout) {
    Objects.requireNonNull(queryId, "queryId");
    Objects.requireNonNull(time, "time");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1 but was " + attempt);
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative but was " + timeout);
    }
    // The engine's own context, with cancel actions run on the cancelling thread.
    this.context = Internals.queryContext(queryId, attempt, time, timeout);
  }

  /** A context {@code test-1}, attempt 1, whose deadline is {@code timeout} from now. */
  public static TestQueryContext create(TimeSource time, Duration timeout) {
    return new TestQueryContext("test-1", 1, time, timeout);
  }

  /** A context with the given id and attempt whose deadline is {@code timeout} from now. */
  public static TestQueryContext create(TimeSource time, String queryId, int attempt, Duration timeout) {
    return new TestQueryContext(queryId, attempt, time, timeout);
  }

  @Override
  public String queryId() {
    return context.queryId();
  }

  @Override
  public int attempt() {
    return context.attempt();
  }

  @Override
  public Instant deadline() {
    return context.deadline();
  }

  @Override
  public Duration remaining() {
    return context.remaining();
  }

  @Override
  public boolean isCancelled() {
    return context.isCancelled();
  }

  @Override
  public void onCancel(Runnable action) {
    context.onCancel(action);
  }

  @Override
  public boolean awaitCancellation(Duration max) throws InterruptedException {
    return context.awaitCancellation(max);
  }

  /**
   * Cancels the query: wakes every waiter and runs the cancel actions on the calling thread (an
   * action that throws is logged, as in the engine). Idempotent.
   */
  public void cancel() {
    context.cancel();
  }
}
