package dev.gamehistory.loader.inmemory;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.DatesResult;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.TimeSource;
import dev.gamehistory.loader.spi.WindowQuery;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A backend answering from rows held in memory, with exactly the semantics of the BigQuery backend,
 * plus injected faults and a record of every call.
 *
 * <p><b>Semantics.</b> For each requested player: the rows with {@code windowStart <= game_date <
 * gameDate}, ordered by the deterministic key
 *
 * <pre>{@code game_date DESC, opponent_team_abbr ASC, points DESC NULLS LAST, minutes_played DESC NULLS LAST}</pre>
 *
 * the first {@code maxGames} of them ranked 1, 2, ... in that order. A game's rest days are the
 * days between its date and the date of the next row in that order (the player's previous game in
 * the window, even beyond {@code maxGames}); absent for the last row of the window; 0 for rows on
 * the same date. Player lookups match exactly (case-sensitive). Rows are not deduplicated: two equal
 * rows are two games, as in the table. A player without a row in the window is absent from the
 * result; an unrequested player never appears.
 *
 * <p><b>Faults and time.</b> Each call is numbered from 1 over this instance and handed to the
 * {@link FaultPlan}. Delays and hangs wait with {@link QueryContext#awaitCancellation(Duration)},
 * so they follow the engine's clock (real, or the testkit's {@code ManualTime}) and end as soon as the engine
 * cancels the query, which then throws {@link LoadCancelledException} ({@code "load cancelled:
 * query cancelled"}); the engine ignores the result of a cancelled query. Injected errors are
 * {@link BackendException}s with BigQuery's reasons and retryability. An interrupt while waiting
 * also ends the call with {@link LoadCancelledException} and keeps the thread's interrupt flag.
 *
 * <p><b>Record.</b> {@link #history()} lists every call with its number, the engine's query id and
 * attempt, the faults applied, its start and end on the clock given to the builder, its outcome and
 * whether the engine cancelled it; {@link #awaitQueries} and {@link #awaitIdle} wait for calls to
 * start or end; {@link #inFlight()} and {@link #maxInFlight()} count concurrent calls.
 *
 * <p><b>Not supported.</b> No statistics (no bytes, no job ids): results carry none. After
 * {@link #close()} every call fails with a permanent {@code backendClosed} error.
 *
 * <p>Thread-safe. Use a fresh instance per test: numbering and history belong to the instance.
 *
 * <p>One file: the backend, its call recording and its builder, whose state (the calls, in flight,
 * cancelled) is one.
 */
public final class InMemoryGamesQuery implements GamesQuery {

  /** The backend's name, also its {@code backend} setting. */
  public static final String NAME = "in-memory";

  private static final Duration HANG_STEP = Duration.ofDays(1);

  private final List<GameRow> rows;
  private final WindowIndex index;
  private final FaultPlan faults;
  private final @Nullable TimeSource clock;

  private final Object lock = new Object();
  private final List<Call> calls = new ArrayList<>();
  private int numbered;
  private int inFlight;
  private int maxInFlight;
  private boolean closed;

  private InMemoryGamesQuery(Builder builder) {
    this.rows = List.copyOf(builder.rows);
    this.index = WindowIndex.of(rows);
    this.faults = builder.faults;
    this.clock = builder.clock;
  }

  /** A backend over the given rows, without faults. */
  public static InMemoryGamesQuery of(Collection<GameRow> rows) {
    return builder().rows(rows).build();
  }

  /** A builder with no rows and no faults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public QueryResult fetch(WindowQuery query, QueryContext context) {
    Objects.requireNonNull(query, "query");
    DatesQuery dates = DatesQuery.of(Map.of(query.gameDate(), query.players()), query.lookbackDays(), query.maxGames());
    return run(dates, context).dates().get(query.gameDate());
  }

  /** One call for every date: faults, latency and cancellation apply to the call as a whole. */
  @Override
  public DatesResult fetchDates(DatesQuery query, QueryContext context) {
    Objects.requireNonNull(query, "query");
    return run(query, context);
  }

  private DatesResult run(DatesQuery query, QueryContext context) {
    Objects.requireNonNull(context, "context");
    Call call;
    FaultPlan.Decision decision;
    synchronized (lock) {
      if (closed) {
        throw BackendException.permanentError("backendClosed", "the in-memory backend is closed", null);
      }
      int number = ++numbered;
      decision = faults.decide(number, query);
      call = new Call(number, context.queryId(), context.attempt(), query, now(), decision.applied());
      calls.add(call);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      lock.notifyAll();
    }
    context.onCancel(() -> markCancelled(call));
    @Nullable Fault fault = decision.outcome().orElse(null);
    RecordedQuery.Outcome outcome =
        fault instanceof Fault.Hang ? RecordedQuery.Outcome.HUNG_CANCELLED : RecordedQuery.Outcome.CANCELLED;
    long returned = 0;
    try {
      if (context.isCancelled() || (!decision.latency().isZero() && await(context, decision.latency()))) {
        throw LoadCancelledException.of("query cancelled");
      }
      if (fault instanceof Fault.Hang) {
        while (!await(context, HANG_STEP)) {
          // A hang outlasts any step of time: only a cancel (or an interrupt) ends it.
        }
        throw LoadCancelledException.of("query cancelled");
      }
      if (fault instanceof Fault.TransientError error) {
        outcome = RecordedQuery.Outcome.FAILED;
        throw BackendException.transientError(error.reason(), errorMessage(call, error.reason()), null);
      }
      if (fault instanceof Fault.PermanentError error) {
        outcome = RecordedQuery.Outcome.FAILED;
        throw BackendException.permanentError(error.reason(), errorMessage(call, error.reason()), null);
      }
      if (fault instanceof Fault.TooLarge error) {
        outcome = RecordedQuery.Outcome.FAILED;
        throw BackendException.tooLarge(error.reason(), errorMessage(call, error.reason()), null);
      }
      Map<LocalDate, QueryResult> results = new TreeMap<>();
      query.slates().forEach((date, players) -> {
        WindowQuery window = query.window(date);
        results.put(date, QueryResult.of(
            index.histories(players, window.windowStart(), window.windowEnd(), window.maxGames())));
      });
      DatesResult result = new DatesResult(results, Optional.empty());
      outcome = RecordedQuery.Outcome.SUCCEEDED;
      returned = result.rows();
      return result;
    } finally {
      finish(call, outcome, returned, context.isCancelled());
    }
  }

  /** The players with a game on each date in {@code [from, to]}, from the rows; no call is recorded. */
  @Override
  public SortedMap<LocalDate, List<String>> playersByDate(LocalDate from, LocalDate to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("to (" + to + ") must not be before from (" + from + ")");
    }
    SortedMap<LocalDate, SortedSet<String>> players = new TreeMap<>();
    for (GameRow row : rows) {
      if (!row.gameDate().isBefore(from) && !row.gameDate().isAfter(to)) {
        players.computeIfAbsent(row.gameDate(), date -> new TreeSet<>()).add(row.playerLookup());
      }
    }
    SortedMap<LocalDate, List<String>> slates = new TreeMap<>();
    players.forEach((date, names) -> slates.put(date, List.copyOf(names)));
    return Collections.unmodifiableSortedMap(slates);
  }

  /** Every call, in start order, as it stands now (running calls included). */
  public List<RecordedQuery> history() {
    synchronized (lock) {
      return calls.stream().map(Call::snapshot).toList();
    }
  }

  /** Forgets the history; numbering (and so the fault plan's selectors) goes on from where it was. */
  public void clear() {
    synchronized (lock) {
      calls.clear();
      lock.notifyAll();
    }
  }

  /** How many calls were made since the backend was created, {@link #clear()} or not. */
  public int queryCount() {
    synchronized (lock) {
      return numbered;
    }
  }

  /** How many calls in the history the engine cancelled. */
  public int cancelledCount() {
    synchronized (lock) {
      return (int) calls.stream().filter(call -> call.cancelled).count();
    }
  }

  /** How many calls are running now. */
  public int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /** The most calls that ran at the same time since the backend was created. */
  public int maxInFlight() {
    synchronized (lock) {
      return maxInFlight;
    }
  }

  /** The rows this backend answers from, in the order given. */
  public List<GameRow> rows() {
    return rows;
  }

  /** The fault plan. */
  public FaultPlan faults() {
    return faults;
  }

  /**
   * Waits, in real time up to {@code timeout}, until the history holds at least {@code count}
   * calls (running or done). Wakes when a call starts; never sleeps.
   *
   * @return the history then
   * @throws IllegalStateException when the time runs out first, with how many calls there were
   */
  public List<RecordedQuery> awaitQueries(int count, Duration timeout) {
    awaitCondition(timeout, () -> calls.size() >= count,
        () -> "expected at least " + (count == 1 ? "1 query" : count + " queries") + " to start within " + timeout.toMillis() + " ms but "
            + calls.size() + " did");
    return history();
  }

  /**
   * Waits, in real time up to {@code timeout}, until no call is running (every cancelled call has
   * returned). Wakes when a call ends; never sleeps.
   *
   * @return the history then
   * @throws IllegalStateException when the time runs out first, with how many calls were running
   */
  public List<RecordedQuery> awaitIdle(Duration timeout) {
    awaitCondition(timeout, () -> inFlight == 0,
        () -> "expected every query to end within " + timeout.toMillis() + " ms but " + inFlight + " still running");
    return history();
  }

  /** Makes every later call fail with a permanent {@code backendClosed} error. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  @Override
  public String toString() {
    return "InMemoryGamesQuery{rows=" + rows.size() + ", faults=" + faults.rules().size() + (faults.rules().size() == 1 ? " rule" : " rules") + ", calls="
        + queryCount() + "}";
  }

  private void awaitCondition(Duration timeout, java.util.function.BooleanSupplier condition,
      java.util.function.Supplier<String> failure) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(failure.get());
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000), 0);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting: " + failure.get(), e);
        }
      }
    }
  }

  /** Waits on the context's clock; true when cancelled. An interrupt counts as a cancel, the flag is kept. */
  private static boolean await(QueryContext context, Duration max) {
    try {
      return context.awaitCancellation(max);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (context.isCancelled()) {
        return true;
      }
      throw LoadCancelledException.of("query interrupted");
    }
  }

  private static String errorMessage(Call call, String reason) {
    return "in-memory query #" + call.number + " (" + call.queryId + ") failed with injected error: " + reason;
  }

  private void markCancelled(Call call) {
    synchronized (lock) {
      call.cancelled = true;
      lock.notifyAll();
    }
  }

  private void finish(Call call, RecordedQuery.Outcome outcome, long returned, boolean cancelled) {
    Instant end = now();
    synchronized (lock) {
      call.outcome = outcome;
      call.cancelled |= cancelled;
      call.endedAt = end;
      call.rows = returned;
      inFlight--;
      lock.notifyAll();
    }
  }

  private Instant now() {
    return clock == null ? Instant.now() : clock.instant();
  }

  /** A call's mutable record, guarded by the backend's lock. */
  private static final class Call {
    final int number;
    final String queryId;
    final int attempt;
    final DatesQuery query;
    final Instant startedAt;
    final List<Fault> faults;
    @Nullable Instant endedAt;
    RecordedQuery.Outcome outcome = RecordedQuery.Outcome.RUNNING;
    boolean cancelled;
    long rows;

    Call(int number, String queryId, int attempt, DatesQuery query, Instant startedAt, List<Fault> faults) {
      this.number = number;
      this.queryId = queryId;
      this.attempt = attempt;
      this.query = query;
      this.startedAt = startedAt;
      this.faults = faults;
    }

    RecordedQuery snapshot() {
      return new RecordedQuery(number, queryId, attempt, query, startedAt, Optional.ofNullable(endedAt), outcome,
          cancelled, faults, rows);
    }
  }

  /** Builds an {@link InMemoryGamesQuery}. */
  public static final class Builder {
    private final List<GameRow> rows = new ArrayList<>();
    private FaultPlan faults = FaultPlan.none();
    private @Nullable TimeSource clock;

    private Builder() {}

    /** Adds rows. */
    public Builder rows(Collection<GameRow> rows) {
      rows.forEach(row -> this.rows.add(Objects.requireNonNull(row, "row")));
      return this;
    }

    /** Adds rows. */
    public Builder rows(GameRow... rows) {
      return rows(List.of(rows));
    }

    /**
     * Adds the rows of a CSV file (see {@link GamesCsv}).
     *
     * @throws CsvFormatException naming the file and line of a bad row
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    public Builder csv(Path file) {
      return rows(GamesCsv.read(file));
    }

    /** Adds a generated league's rows. */
    public Builder league(League league) {
      return rows(league.rows());
    }

    /** The faults to inject; default {@link FaultPlan#none()}. */
    public Builder faults(FaultPlan faults) {
      this.faults = Objects.requireNonNull(faults, "faults");
      return this;
    }

    /**
     * The clock of the recorded start and end instants; default the system clock. Delays always
     * follow the engine's clock through the query context, whatever this is.
     */
    public Builder timeSource(TimeSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The backend. */
    public InMemoryGamesQuery build() {
      return new InMemoryGamesQuery(this);
    }
  }
}
