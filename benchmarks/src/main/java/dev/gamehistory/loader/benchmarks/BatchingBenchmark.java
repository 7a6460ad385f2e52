package dev.gamehistory.loader.benchmarks;

import dev.gamehistory.loader.BatchingPolicy;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoaderSettings;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.Strategy;
import dev.gamehistory.loader.testkit.Fault;
import dev.gamehistory.loader.testkit.FaultPlan;
import dev.gamehistory.loader.testkit.InMemoryGamesQuery;
import dev.gamehistory.loader.testkit.League;
import dev.gamehistory.loader.testkit.LeagueGenerator;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * end of each trial give the backend queries it took.
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
    loader = HistoricalGamesLoader.builder()
        .backend(backend)
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

  /** Prints the backend queries per op over the trial (warm-up included), then closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    System.out.printf("%n%s, %d ms latency: %.2f backend queries/op (min %d, max %d) over %d ops%n",
        mode, queryLatencyMillis, (double) queries / Math.max(ops, 1), fewestQueries, mostQueries, ops);
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
}
