package dev.gamehistory.loader.benchmarks;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 360 single-player calls, one per distinct player, from a pool of 32 threads over the in-memory
 * backend of a generated league (strategy batch, no cache): {@code batched} through a
 * {@link PlayerHistoryClient}, which gathers them into few loads; {@code direct} as one load of the
 * loader per call. An op is all 360 calls; the {@link Queries} counters and a line printed at the
 * end of each trial give the backend queries it took. With {@code backendConcurrency} N &gt; 0 the
 * backend runs at most N queries at once, the others wait their turn, as under a warehouse's
 * concurrency quota.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BatchingBenchmark {

  private static final int PLAYERS = 360;
  private static final int THREADS = 32;

  /** How the calls reach the loader: {@code batched} (through the client) or {@code direct}. */
  @Param({"batched", "direct"})
  public String mode;

  /** A fixed latency added to every query, in milliseconds. */
  @Param({"0", "5"})
  public int queryLatencyMillis;

  /** The client's window, in milliseconds. */
  @Param({"2"})
  public int maxDelayMillis;

  /** The most players in one batched load. */
  @Param({"500"})
  public int maxPlayers;

  /** The most backend queries running at once; 0 for no limit. */
  @Param({"0", "4"})
  public int backendConcurrency;

  private InMemoryGamesQuery backend;
  private HistoricalGamesLoader loader;
  private @Nullable PlayerHistoryClient client;
  private ExecutorService pool;
  private LocalDate date;
  private List<String> slate;
  private long ops;
  private long queries;
  private long fewestQueries = Long.MAX_VALUE;
  private long mostQueries;

  /** Backend queries and ops in an iteration, as JMH secondary results: queries per op is their ratio. */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class Queries {
    /** Backend queries made by the iteration's ops. */
    public long queries;
    /** Ops (of 360 calls each) in the iteration. */
    public long ops;

    /** Starts each iteration from zero. */
    @Setup(Level.Iteration)
    public void reset() {
      queries = 0;
      ops = 0;
    }
  }

  /** Generates the league and builds the loader, the client when batched, and the pool. */
  @Setup(Level.Trial)
  public void setUp() {
    League league = LeagueGenerator.generate(42, 1);
    date = league.pickGameDate(7);
    slate = league.players().subList(0, PLAYERS);
    InMemoryGamesQuery.Builder builder = InMemoryGamesQuery.builder().league(league);
    if (queryLatencyMillis > 0) {
      builder.faults(FaultPlan.always(new Fault.Latency(Duration.ofMillis(queryLatencyMillis))));
    }
    backend = builder.build();
    if (backendConcurrency < 0) {
      throw new IllegalArgumentException("backendConcurrency: expected 0 or more; got " + backendConcurrency);
    }
    GamesQuery served = backendConcurrency == 0 ? backend : new LimitedGamesQuery(backend, backendConcurrency);
    loader = HistoricalGamesLoader.builder()
        .backend(served)
        .settings(LoaderSettings.builder().strategy(Strategy.batch()).build())
        .build();
    client = switch (mode) {
      case "batched" -> PlayerHistoryClient.of(loader, new BatchingPolicy(Duration.ofMillis(maxDelayMillis), maxPlayers));
      case "direct" -> null;
      default -> throw new IllegalArgumentException("mode: expected batched or direct; got '" + mode + "'");
    };
    pool = Executors.newFixedThreadPool(THREADS);
  }

  /** Forgets the recorded queries so that memory stays flat. */
  @TearDown(Level.Iteration)
  public void forget() {
    backend.clear();
  }

  /**
   * Prints the backend queries per op over the trial (warm-up included) and the most that ran at
   * once, then closes everything.
   */
  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    System.out.printf("%n%s, %d ms latency, concurrency %s: %.2f backend queries/op (min %d, max %d) over %d ops,"
        + " at most %d at once%n", mode, queryLatencyMillis,
        backendConcurrency == 0 ? "unbounded" : String.valueOf(backendConcurrency),
        (double) queries / Math.max(ops, 1), fewestQueries, mostQueries, ops, backend.maxInFlight());
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    if (client != null) {
      client.close();
    }
    loader.close();
  }

  /** Makes the 360 calls and waits for all; fails loudly unless every player was loaded. */
  @Benchmark
  public int calls(Queries counters) throws InterruptedException, ExecutionException {
    int before = backend.queryCount();
    List<Future<PlayerOutcome>> calls = new ArrayList<>(PLAYERS);
    for (String player : slate) {
      calls.add(pool.submit(() -> call(player)));
    }
    int games = 0;
    for (int i = 0; i < PLAYERS; i++) {
      PlayerOutcome outcome = calls.get(i).get();
      if (!(outcome instanceof PlayerOutcome.Loaded loaded) || !outcome.player().equals(slate.get(i))) {
        throw new IllegalStateException("expected " + slate.get(i) + " loaded; got " + outcome);
      }
      games += loaded.games().size();
    }
    long made = backend.queryCount() - before;
    if (backendConcurrency > 0 && backend.maxInFlight() > backendConcurrency) {
      throw new IllegalStateException("expected at most " + backendConcurrency + " queries at once; got "
          + backend.maxInFlight());
    }
    counters.queries += made;
    counters.ops++;
    queries += made;
    ops++;
    fewestQueries = Math.min(fewestQueries, made);
    mostQueries = Math.max(mostQueries, made);
    return games;
  }

  private PlayerOutcome call(String player) {
    PlayerHistoryClient batching = client;
    return batching != null
        ? batching.load(player, date)
        : loader.load(LoadRequest.of(date, List.of(player))).outcome(player);
  }

  /**
   * A backend that runs at most {@code limit} of its delegate's fetches at once, in arrival order
   * (a fair semaphore). A fetch waiting for its turn gives up with {@link LoadCancelledException}
   * when its query is cancelled: the cancel interrupts it while, and only while, it waits.
   */
  private static final class LimitedGamesQuery implements GamesQuery {

    private final GamesQuery delegate;
    private final Semaphore permits;

    LimitedGamesQuery(GamesQuery delegate, int limit) {
      this.delegate = delegate;
      this.permits = new Semaphore(limit, true);
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public QueryResult fetch(WindowQuery query, QueryContext context) {
      acquire(context);
      try {
        return delegate.fetch(query, context);
      } finally {
        permits.release();
      }
    }

    /** Waits for a permit; on return the caller holds one, else it throws holding none. */
    private void acquire(QueryContext context) {
      Turn turn = new Turn(Thread.currentThread());
      context.onCancel(turn::cancel);
      boolean acquired = false;
      try {
        if (!context.isCancelled()) {
          permits.acquire();
          acquired = true;
        }
      } catch (InterruptedException e) {
        // Ours (the cancel) or the engine's: either way the thread stays marked.
        Thread.currentThread().interrupt();
      }
      if (turn.end() || context.isCancelled()) {
        if (acquired) {
          permits.release();
        }
        throw LoadCancelledException.of("query cancelled");
      }
      if (!acquired) {
        throw LoadCancelledException.of("query interrupted");
      }
    }

    @Override
    public void check() {
      delegate.check();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** One fetch's wait for a permit: a cancel interrupts the waiting thread until the wait ends. */
  private static final class Turn {

    private final Thread waiter;
    private boolean waiting = true;
    private boolean cancelled;

    Turn(Thread waiter) {
      this.waiter = waiter;
    }

    synchronized void cancel() {
      cancelled = true;
      if (waiting) {
        waiter.interrupt();
      }
    }

    /** Ends the wait, after which a cancel no longer interrupts; whether it was cancelled. */
    synchronized boolean end() {
      waiting = false;
      return cancelled;
    }
  }
}
