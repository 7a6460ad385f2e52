package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.cache.VersionedBackend;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Invalidation is linearizable, under real concurrency: threads run loads, data corrections (the
 * backend's data gets a new version) each followed by an invalidation ({@code invalidate(request)},
 * {@code invalidate(player)} or {@code invalidateAll()}) and overlapping loads, in random
 * interleavings, through a caching loader over the engine on the system clock. A load that starts
 * after the invalidation of version v of a player returned never sees that player's data older
 * than v; every load loads every player. 200 generated runs of 2..8 threads; seeded, shrinking,
 * replayable as the other property suites.
 */
class InvalidationPropertyTest {

  private static final int TRIES = 200;
  private static final LocalDate GAME_DATE = LocalDate.of(2024, 3, 1);
  private static final Duration SAFETY = Duration.ofSeconds(30);

  /** Which invalidation a correction makes. */
  enum Kind { REQUEST, PLAYER, ALL }

  /** One generated run: each thread's operations, the players and the backend's latency. */
  record Run(int players, long latencyMicros, Strategy strategy, List<List<Op>> threads) {

    static Run generate(SplittableRandom random) {
      int players = 1 + random.nextInt(12);
      int threads = 2 + random.nextInt(7);
      List<List<Op>> ops = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<Op> mine = new ArrayList<>();
        int count = 5 + random.nextInt(36);
        for (int i = 0; i < count; i++) {
          List<Integer> subset = IntStream.range(0, players).filter(p -> random.nextInt(3) > 0).boxed().toList();
          List<Integer> asked = subset.isEmpty() ? List.of(random.nextInt(players)) : subset;
          mine.add(random.nextInt(100) < 65 ? new Op(null, asked)
              : new Op(Kind.values()[random.nextInt(Kind.values().length)], asked));
        }
        ops.add(mine);
      }
      Strategy strategy = switch (random.nextInt(3)) {
        case 0 -> Strategy.batch();
        case 1 -> Strategy.perPlayer(2);
        default -> Strategy.chunked(3, 2);
      };
      return new Run(players, random.nextInt(3) == 0 ? 0 : random.nextInt(2000), strategy, ops);
    }

    static Stream<Run> shrink(Run run) {
      List<Run> smaller = new ArrayList<>();
      if (run.threads.size() > 2) {
        smaller.add(new Run(run.players, run.latencyMicros, run.strategy, run.threads.subList(0, run.threads.size() - 1)));
      }
      List<List<Op>> halved = run.threads.stream().map(ops -> ops.subList(0, Math.max(1, ops.size() / 2))).toList();
      if (!halved.equals(run.threads)) {
        smaller.add(new Run(run.players, run.latencyMicros, run.strategy, halved));
      }
      if (run.latencyMicros > 0) {
        smaller.add(new Run(run.players, 0, run.strategy, run.threads));
      }
      return smaller.stream();
    }
  }

  /** A load of some players ({@code kind} null), or a correction followed by an invalidation of {@code kind}. */
  record Op(Kind kind, List<Integer> players) {}

  @Test
  void invalidate_anyInterleavingOfLoadsAndCorrections_noLoadStartedAfterItSeesOlderData() {
    AtomicLong loads = new AtomicLong();
    AtomicLong corrections = new AtomicLong();
    AtomicLong hits = new AtomicLong();
    long started = System.nanoTime();
    int tries = PropertyRunner.of("invalidate_anyInterleavingOfLoadsAndCorrections_noLoadStartedAfterItSeesOlderData",
        TRIES, Run::generate, Run::shrink, run -> check(run, loads, corrections, hits)).run();
    System.out.printf("invalidate_anyInterleavingOfLoadsAndCorrections_noLoadStartedAfterItSeesOlderData: %d tries in"
        + " %.1f s; %d loads (%d players from the cache), %d corrections, each with an invalidation%n", tries,
        (System.nanoTime() - started) / 1e9, loads.get(), hits.get(), corrections.get());
  }

  private static void check(Run run, AtomicLong loads, AtomicLong corrections, AtomicLong hits) throws Exception {
    VersionedBackend backend = new VersionedBackend(Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(run.latencyMicros())));
    HistoricalGamesLoader engine = HistoricalGamesLoader.builder().backend(backend)
        .settings(LoaderSettings.builder().strategy(run.strategy()).retry(RetryPolicy.none())
            .timeouts(TimeoutPolicy.fixed(SAFETY, SAFETY)).build())
        .build();
    List<String> names = IntStream.range(0, run.players()).mapToObj(i -> "player" + i).toList();
    // The newest version whose invalidation of each player has returned.
    AtomicIntegerArray floor = new AtomicIntegerArray(run.players());
    ExecutorService threads = Executors.newFixedThreadPool(run.threads().size());
    CyclicBarrier start = new CyclicBarrier(run.threads().size());
    try (CachingLoader cache = HistoricalGamesLoader.caching(engine, CachePolicy.of(10_000, Duration.ofHours(1)))) {
      List<Future<?>> done = new ArrayList<>();
      for (List<Op> ops : run.threads()) {
        done.add(threads.submit(() -> {
          start.await();
          for (Op op : ops) {
            List<String> asked = op.players().stream().map(names::get).toList();
            LoadRequest request = LoadRequest.builder(GAME_DATE).players(asked).build();
            if (op.kind() == null) {
              int[] before = op.players().stream().mapToInt(floor::get).toArray();
              LoadResult result = cache.load(request);
              loads.incrementAndGet();
              hits.addAndGet(result.report().cache().orElseThrow().hits());
              for (int i = 0; i < asked.size(); i++) {
                PlayerOutcome outcome = result.outcomes().get(asked.get(i));
                if (!(outcome instanceof PlayerOutcome.Loaded loaded)) {
                  throw new AssertionError(asked.get(i) + " did not load: " + outcome);
                }
                int seen = VersionedBackend.versionOf(loaded.games());
                if (seen < before[i]) {
                  throw new AssertionError(asked.get(i) + ": a load that started after the invalidation of version "
                      + before[i] + " returned got version " + seen);
                }
              }
            } else {
              int version = backend.bump();
              corrections.incrementAndGet();
              List<Integer> covered = switch (op.kind()) {
                case REQUEST -> {
                  cache.invalidate(request);
                  yield op.players();
                }
                case PLAYER -> {
                  cache.invalidate(asked.get(0));
                  yield op.players().subList(0, 1);
                }
                case ALL -> {
                  cache.invalidateAll();
                  yield IntStream.range(0, run.players()).boxed().toList();
                }
              };
              covered.forEach(p -> floor.accumulateAndGet(p, version, Math::max));
            }
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get(SAFETY.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
