package dev.gamehistory.loader.benchmarks;

import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.settings.CachePolicy;
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
 * A repeated load of a 360-player slate, strategy batch, over the in-memory backend of a generated
 * league: with {@code cache} on, through a {@link CachingLoader} warmed with the same request in
 * setup, so every player is a cache hit (the target: under 1 ms); with it off, the same load through
 * the engine alone, which queries the backend every time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CacheBenchmark {

  private static final int PLAYERS = 360;

  /** Whether the loader has a cache: {@code on} or {@code off}. */
  @Param({"on", "off"})
  public String cache;

  /** A fixed latency added to every query, in milliseconds. */
  @Param({"0", "5"})
  public int queryLatencyMillis;

  private InMemoryGamesQuery backend;
  private HistoricalGamesLoader loader;
  private LoadRequest request;
  private boolean cached;

  /** Generates the league, builds the loader and, with the cache on, loads the slate once to fill it. */
  @Setup(Level.Trial)
  public void setUp() {
    cached = switch (cache) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("cache: expected on or off; got '" + cache + "'");
    };
    League league = LeagueGenerator.generate(42, 1);
    LocalDate date = league.pickGameDate(7);
    List<String> slate = league.players().subList(0, PLAYERS);
    InMemoryGamesQuery.Builder builder = InMemoryGamesQuery.builder().league(league);
    if (queryLatencyMillis > 0) {
      builder.faults(FaultPlan.always(new Fault.Latency(Duration.ofMillis(queryLatencyMillis))));
    }
    backend = builder.build();
    LoaderSettings.Builder settings = LoaderSettings.builder().strategy(Strategy.batch());
    if (cached) {
      settings.cache(CachePolicy.of(CachePolicy.DEFAULT_MAXIMUM_PLAYERS, Duration.ofHours(1)));
    }
    loader = HistoricalGamesLoader.builder().backend(backend).settings(settings.build()).build();
    if (cached != (loader instanceof CachingLoader)) {
      throw new IllegalStateException("cache " + cache + " but the loader is " + loader.getClass().getName());
    }
    request = LoadRequest.of(date, slate);
    if (cached) {
      loader.load(request).orThrow();
    }
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

  /** Loads the slate; fails loudly if any player failed or, with the cache on, was not a cache hit. */
  @Benchmark
  public LoadResult load() {
    LoadResult result = loader.load(request).orThrow();
    if (cached && result.report().cache().map(LoadReport.CacheUse::hits).orElse(-1) != PLAYERS) {
      throw new IllegalStateException("expected " + PLAYERS + " cache hits; got " + result.report().cache());
    }
    return result;
  }
}
