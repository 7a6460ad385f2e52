package dev.gamehistory.loader.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.QueryTimeoutException;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class QueryPlanTest {

  private static final RetryPolicy RETRY = RetryPolicy.of(3, Duration.ofMillis(100));
  private static final LocalDate DATE = LocalDate.of(2024, 3, 1);
  private static final Task FIVE = Task.of(DATE, List.of("a", "b", "c", "d", "e"), 1);
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

    assertThat(next).isEqualTo(new QueryPlan.Next.Split(Task.of(DATE, List.of("a", "b", "c"), 1),
        Task.of(DATE, List.of("d", "e"), 1), Duration.ZERO));
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
    assertThat(first).isEqualTo(new QueryPlan.Next.Retry(Task.of(DATE, FIVE.players(), 2), Duration.ofMillis(100)));

    QueryPlan.Next second = QueryPlan.afterFailure(Strategy.batch(), RETRY, Task.of(DATE, FIVE.players(), 2), TRANSIENT,
        jitter, backoff -> true);
    assertThat(second).isEqualTo(new QueryPlan.Next.Retry(Task.of(DATE, FIVE.players(), 3), Duration.ofMillis(200)));

    assertThat(QueryPlan.afterFailure(Strategy.batch(), RETRY, Task.of(DATE, FIVE.players(), 3), TRANSIENT, jitter,
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
    Task one = Task.of(DATE, List.of("a"), 1);
    assertThat(QueryPlan.afterFailure(Strategy.adaptive(), RETRY, one, TIMEOUT, jitter, backoff -> true))
        .isEqualTo(new QueryPlan.Next.Retry(Task.of(DATE, List.of("a"), 2), Duration.ofMillis(100)));
  }

  private static SortedMap<LocalDate, List<String>> slates(int dates, int players) {
    SortedMap<LocalDate, List<String>> slates = new TreeMap<>();
    for (int d = 0; d < dates; d++) {
      List<String> slate = new ArrayList<>();
      for (int p = 0; p < players; p++) {
        slate.add("p" + p);
      }
      slates.put(DATE.plusDays(d), slate);
    }
    return slates;
  }

  @Test
  void initialTasks_backfill_groupsConsecutiveDatesUpToTheDatesPerQuery() {
    List<Task> tasks = QueryPlan.initialTasks(Strategy.adaptive(), slates(5, 3),
        new BackfillPolicy(2, 100, Duration.ofMinutes(1)));

    assertThat(tasks).extracting(task -> List.copyOf(task.slates().keySet())).containsExactly(
        List.of(DATE, DATE.plusDays(1)), List.of(DATE.plusDays(2), DATE.plusDays(3)), List.of(DATE.plusDays(4)));
    assertThat(tasks).allSatisfy(task -> assertThat(task.attempt()).isEqualTo(1));
  }

  @Test
  void initialTasks_backfill_keepsEachQueryWithinThePairsPerQuery() {
    List<Task> tasks = QueryPlan.initialTasks(Strategy.batch(), slates(3, 10),
        new BackfillPolicy(30, 25, Duration.ofMinutes(1)));

    // 10 + 10 fit, the third date's 10 would make 30: a query of its own.
    assertThat(tasks).extracting(Task::pairs).containsExactly(20, 10);

    List<Task> large = QueryPlan.initialTasks(Strategy.batch(), slates(2, 10), new BackfillPolicy(30, 4, Duration.ofMinutes(1)));
    assertThat(large).extracting(Task::pairs).containsExactly(4, 4, 2, 4, 4, 2);
    assertThat(large).allSatisfy(task -> assertThat(task.isSingleDate()).isTrue());
  }

  @Test
  void initialTasks_backfillChunked_cutsEachGroupIntoChunksOfPairs() {
    List<Task> tasks = QueryPlan.initialTasks(Strategy.chunked(4, 2), slates(3, 3),
        new BackfillPolicy(30, 100, Duration.ofMinutes(1)));

    assertThat(tasks).extracting(Task::pairs).containsExactly(4, 4, 1);
    assertThat(tasks.get(0).slates()).containsExactly(
        Map.entry(DATE, List.of("p0", "p1", "p2")), Map.entry(DATE.plusDays(1), List.of("p0")));
  }

  @Test
  void initialTasks_gameDayLoad_chunksPlayersAsBefore() {
    List<Task> tasks = QueryPlan.initialTasks(Strategy.chunked(2, 3), slates(1, 5), null);

    assertThat(tasks).extracting(Task::players).containsExactly(List.of("p0", "p1"), List.of("p2", "p3"), List.of("p4"));
  }

  @Test
  void afterFailure_adaptiveTimeoutOfManyDates_splitsByDatesFirst() {
    Task task = new Task(slates(5, 3), 1);

    QueryPlan.Next next = QueryPlan.afterFailure(Strategy.adaptive(), RETRY, task, TIMEOUT, jitter, backoff -> true);

    assertThat(next).isInstanceOfSatisfying(QueryPlan.Next.Split.class, split -> {
      assertThat(split.first().slates().keySet()).containsExactly(DATE, DATE.plusDays(1), DATE.plusDays(2));
      assertThat(split.second().slates().keySet()).containsExactly(DATE.plusDays(3), DATE.plusDays(4));
      assertThat(split.second().players()).containsExactly("p0", "p1", "p2");
    });
  }
}
