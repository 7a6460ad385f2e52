package dev.gamehistory.loader.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.QueryTimeoutException;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class QueryPlanTest {

  private static final RetryPolicy RETRY = RetryPolicy.of(3, Duration.ofMillis(100));
  private static final Task FIVE = new Task(List.of("a", "b", "c", "d", "e"), 1);
  private static final LoaderException TIMEOUT = QueryTimeoutException.of(Duration.ofSeconds(1), 5);
  private static final LoaderException TRANSIENT = BackendException.transientError("backendError", "busy", null);
  private static final LoaderException TOO_LARGE = BackendException.tooLarge("responseTooLarge", "too large", null);
  private static final LoaderException PERMANENT = BackendException.permanentError("invalidQuery", "bad", null);

  private final AtomicInteger draws = new AtomicInteger();
  private final DoubleSupplier jitter = () -> {
    draws.incrementAndGet();
    return 0.0;
  };

  @Test
  void initialChunks_eachStrategy_splitsThePlayersInOrder() {
    List<String> players = List.of("a", "b", "c", "d", "e");
    assertThat(QueryPlan.initialChunks(Strategy.batch(), players)).containsExactly(players);
    assertThat(QueryPlan.initialChunks(Strategy.chunked(2, 3), players))
        .containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
    assertThat(QueryPlan.initialChunks(Strategy.perPlayer(4), players)).hasSize(5).first().isEqualTo(List.of("a"));
    assertThat(QueryPlan.initialChunks(Strategy.adaptive(3, 2), players))
        .containsExactly(List.of("a", "b", "c"), List.of("d", "e"));
    assertThat(QueryPlan.parallelism(Strategy.batch())).isEqualTo(1);
    assertThat(QueryPlan.parallelism(Strategy.chunked(2, 3))).isEqualTo(3);
  }

  @Test
  void afterFailure_adaptiveTimeout_splitsAtOnceWithoutDrawingJitter() {
    QueryPlan.Next next = QueryPlan.afterFailure(Strategy.adaptive(), RETRY, FIVE, TIMEOUT, jitter, backoff -> true);

    assertThat(next).isEqualTo(new QueryPlan.Next.Split(new Task(List.of("a", "b", "c"), 1),
        new Task(List.of("d", "e"), 1), Duration.ZERO));
    assertThat(draws).hasValue(0);
  }

  @Test
  void afterFailure_adaptiveTransientError_splitsAfterTheFirstBackoff() {
    QueryPlan.Next next = QueryPlan.afterFailure(Strategy.adaptive(), RETRY, FIVE, TRANSIENT, jitter, backoff -> true);

    assertThat(next).isInstanceOfSatisfying(QueryPlan.Next.Split.class,
        split -> assertThat(split.backoff()).isEqualTo(Duration.ofMillis(100)));
    assertThat(draws).hasValue(1);
  }

  @Test
  void afterFailure_adaptiveTooLarge_splitsAtOnce() {
    QueryPlan.Next next = QueryPlan.afterFailure(Strategy.adaptive(), RETRY, FIVE, TOO_LARGE, jitter, backoff -> true);

    assertThat(next).isInstanceOfSatisfying(QueryPlan.Next.Split.class,
        split -> assertThat(split.backoff()).isZero());
  }

  @Test
  void afterFailure_backoffPastTheDeadline_fails() {
    assertThat(QueryPlan.afterFailure(Strategy.adaptive(), RETRY, FIVE, TRANSIENT, jitter, Duration::isZero))
        .isEqualTo(new QueryPlan.Next.Fail());
    assertThat(QueryPlan.afterFailure(Strategy.batch(), RETRY, FIVE, TRANSIENT, jitter, Duration::isZero))
        .isEqualTo(new QueryPlan.Next.Fail());
  }

  @Test
  void afterFailure_retryableUnderBatch_retriesUntilAttemptsRunOut() {
    QueryPlan.Next first = QueryPlan.afterFailure(Strategy.batch(), RETRY, FIVE, TRANSIENT, jitter, backoff -> true);
    assertThat(first).isEqualTo(new QueryPlan.Next.Retry(new Task(FIVE.players(), 2), Duration.ofMillis(100)));

    QueryPlan.Next second = QueryPlan.afterFailure(Strategy.batch(), RETRY, new Task(FIVE.players(), 2), TRANSIENT,
        jitter, backoff -> true);
    assertThat(second).isEqualTo(new QueryPlan.Next.Retry(new Task(FIVE.players(), 3), Duration.ofMillis(200)));

    assertThat(QueryPlan.afterFailure(Strategy.batch(), RETRY, new Task(FIVE.players(), 3), TRANSIENT, jitter,
        backoff -> true)).isEqualTo(new QueryPlan.Next.Fail());
  }

  @Test
  void afterFailure_permanentOrNonAdaptiveTimeout_fails() {
    assertThat(QueryPlan.afterFailure(Strategy.adaptive(), RETRY, FIVE, PERMANENT, jitter, backoff -> true))
        .isEqualTo(new QueryPlan.Next.Fail());
    assertThat(QueryPlan.afterFailure(Strategy.batch(), RETRY, FIVE, TIMEOUT, jitter, backoff -> true))
        .isEqualTo(new QueryPlan.Next.Fail());
    assertThat(draws).hasValue(0);
  }

  @Test
  void afterFailure_adaptiveSinglePlayerTimeout_retries() {
    Task one = new Task(List.of("a"), 1);
    assertThat(QueryPlan.afterFailure(Strategy.adaptive(), RETRY, one, TIMEOUT, jitter, backoff -> true))
        .isEqualTo(new QueryPlan.Next.Retry(new Task(List.of("a"), 2), Duration.ofMillis(100)));
  }
}
