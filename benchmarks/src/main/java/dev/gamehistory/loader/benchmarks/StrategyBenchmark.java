package dev.gamehistory.loader.benchmarks;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.Strategy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * One load of a slate per strategy and slate size over the in-memory backend of a generated
 * league. With {@code queryLatencyMillis} 0 it measures the engine and the in-memory semantics
 * alone; a latency per query models a remote backend's fixed cost per query, which is what makes
 * per-player loads slow.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StrategyBenchmark {

  /** Players on the slate. */
  @Param({"118", "360"})
  public int players;

  /** The strategy, as the settings spell it. */
  @Param({"batch", "chunked", "per-player", "adaptive"})
  public String strategy;

  /** A fixed latency added to every query, in milliseconds. */
  @Param({"0", "5"})
  public int queryLatencyMillis;

  private InMemoryGamesQuery backend;
  private HistoricalGamesLoader loader;
  private LoadRequest request;

  /** Generates the league and builds the loader. */
  @Setup(Level.Trial)
  public void setUp() {
    League league = LeagueGenerator.generate(42, 1);
    LocalDate date = league.pickGameDate(7);
    List<String> slate = league.players().subList(0, players);
    InMemoryGamesQuery.Builder builder = InMemoryGamesQuery.builder().league(league);
    if (queryLatencyMillis > 0) {
      builder.faults(FaultPlan.always(new Fault.Latency(Duration.ofMillis(queryLatencyMillis))));
    }
    backend = builder.build();
    LoaderSettings settings = LoaderSettings.builder().strategy(strategy()).build();
    loader = HistoricalGamesLoader.builder().backend(backend).settings(settings).build();
    request = LoadRequest.of(date, slate);
  }

  private Strategy strategy() {
    return switch (strategy) {
      case "batch" -> Strategy.batch();
      case "chunked" -> Strategy.chunked(100, 4);
      case "per-player" -> Strategy.perPlayer(4);
      case "adaptive" -> Strategy.adaptive();
      default -> throw new IllegalArgumentException("strategy: unknown; got '" + strategy + "'");
    };
  }

  /** Forgets the recorded queries so that memory stays flat. */
  @TearDown(Level.Iteration)
  public void forget() {
    backend.clear();
  }

  /** Closes the loader. */
  @TearDown(Level.Trial)
  public void tearDown() {
    loader.close();
  }

  /** Loads the slate; fails loudly if any player failed. */
  @Benchmark
  public LoadResult load() {
    return loader.load(request).orThrow();
  }
}
