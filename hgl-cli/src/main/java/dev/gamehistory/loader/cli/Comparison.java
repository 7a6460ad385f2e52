package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.settings.LoaderSettings;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The rounds of {@code hgl compare}: one warm-up round, then the measured rounds; each runs, for
 * each players count, the bare client's query and every strategy's load, the order reversed every
 * other round. Each run is timed and, with a proxy, its HTTP requests counted (reset before, read
 * after) and, behind the proxy's asynchronous jobs, the time from its last job's end to its answer
 * taken. A failure in the warm-up round ends the comparison; a failed measured run is counted.
 */
final class Comparison {

  /** The name of the bare client's side. */
  static final String BARE = "bare";

  /** One side of the comparison: the bare client ({@code candidate} null) or a strategy of the library. */
  record Side(String name, String describe, @Nullable Candidate candidate) {

    static final Side BARE_SIDE = new Side(BARE, BARE, null);

    static Side of(Candidate candidate) {
      return new Side(candidate.spec(), candidate.strategy().describe(), candidate);
    }

    boolean bare() {
      return candidate == null;
    }
  }

  /**
   * What one side measured for one players count, over its successful runs; failed runs are only
   * counted.
   *
   * @param players the players count
   * @param side the side's name: {@value #BARE} or the strategy as given
   * @param describe the side as printed: {@value #BARE} or the strategy's description
   * @param millis the wall time of each successful run
   * @param rows the rows of each successful run
   * @param requests the HTTP requests of each successful run; empty without a proxy
   * @param requestsByKind the HTTP requests by kind of each successful run; empty without a proxy
   * @param failedRuns measured runs that failed
   * @param firstFailure what went wrong in the first failed run, if any
   * @param afterJobEnd per successful run behind the proxy's asynchronous model, the milliseconds from
   *     the end of its last job to its answer; empty otherwise
   */
  record Measurement(int players, String side, String describe, List<Double> millis, List<Long> rows,
      List<Long> requests, List<Map<String, Long>> requestsByKind, int failedRuns, @Nullable String firstFailure,
      List<Double> afterJobEnd) {

    /** Copies the lists. */
    Measurement {
      millis = List.copyOf(millis);
      rows = List.copyOf(rows);
      requests = List.copyOf(requests);
      requestsByKind = requestsByKind.stream().map(Map::copyOf).toList();
      afterJobEnd = List.copyOf(afterJobEnd);
    }

    /** Without times after the jobs' end. */
    Measurement(int players, String side, String describe, List<Double> millis, List<Long> rows,
        List<Long> requests, List<Map<String, Long>> requestsByKind, int failedRuns, @Nullable String firstFailure) {
      this(players, side, describe, millis, rows, requests, requestsByKind, failedRuns, firstFailure, List.of());
    }

    /** The median milliseconds from the last job's end to the answer; empty without such runs. */
    OptionalDouble medianAfterJobEnd() {
      return afterJobEnd.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Medians.median(afterJobEnd));
    }

    boolean bare() {
      return BARE.equals(side);
    }

    /** The median wall time; empty without a successful run. */
    OptionalDouble median() {
      return millis.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Medians.median(millis));
    }

    OptionalDouble min() {
      return millis.stream().mapToDouble(Double::doubleValue).min();
    }

    OptionalDouble max() {
      return millis.stream().mapToDouble(Double::doubleValue).max();
    }

    /** The median rows per run; empty without a successful run. */
    OptionalDouble medianRows() {
      return medianOf(rows);
    }

    /** The median HTTP requests per run; empty without a proxy or a successful run. */
    OptionalDouble medianRequests() {
      return medianOf(requests);
    }

    /** The median count of each kind of request per run, a kind missing from a run counting 0. */
    Map<String, Double> medianRequestsByKind() {
      TreeSet<String> kinds = new TreeSet<>();
      requestsByKind.forEach(counts -> kinds.addAll(counts.keySet()));
      Map<String, Double> medians = new LinkedHashMap<>();
      for (String kind : kinds) {
        medians.put(kind, Medians.median(
            requestsByKind.stream().map(counts -> counts.getOrDefault(kind, 0L).doubleValue()).toList()));
      }
      return medians;
    }

    private static OptionalDouble medianOf(List<Long> values) {
      return values.isEmpty() ? OptionalDouble.empty()
          : OptionalDouble.of(Medians.median(values.stream().map(Long::doubleValue).toList()));
    }
  }

  /** One run of one side: its wall time, rows, requests and time after its last job's end, or why it failed. */
  private record Run(double millis, long rows, RequestCounter.@Nullable Counts counts, @Nullable Double afterJobEnd,
      @Nullable String failure) {}

  /** The runs of one side for one players count, as they come. */
  private static final class Series {
    private final int players;
    private final Side side;
    private final List<Double> millis = new ArrayList<>();
    private final List<Long> rows = new ArrayList<>();
    private final List<Long> requests = new ArrayList<>();
    private final List<Map<String, Long>> requestsByKind = new ArrayList<>();
    private final List<Double> afterJobEnd = new ArrayList<>();
    private int failed;
    private @Nullable String firstFailure;

    Series(int players, Side side) {
      this.players = players;
      this.side = side;
    }

    void add(Run run) {
      if (run.failure() != null) {
        failed++;
        if (firstFailure == null) {
          firstFailure = run.failure();
        }
        return;
      }
      millis.add(run.millis());
      rows.add(run.rows());
      if (run.counts() != null) {
        requests.add(run.counts().requests());
        requestsByKind.add(run.counts().byKind());
      }
      if (run.afterJobEnd() != null) {
        afterJobEnd.add(run.afterJobEnd());
      }
    }

    Measurement measurement() {
      return new Measurement(players, side.name(), side.describe(), millis, rows, requests, requestsByKind, failed,
          firstFailure, afterJobEnd);
    }
  }

  private final List<Side> sides;
  private final BareClient bare;
  private final String sql;
  private final Map<String, HistoricalGamesLoader> loaders;
  private final @Nullable RequestCounter counter;
  private final Progress progress;

  /**
   * The sides, with the bare client running {@code sql}, the library's loader of each strategy by
   * side name, the proxy's counter if any, and where progress goes.
   */
  Comparison(List<Side> sides, BareClient bare, String sql, Map<String, HistoricalGamesLoader> loaders,
      @Nullable RequestCounter counter, Progress progress) {
    this.sides = List.copyOf(sides);
    this.bare = bare;
    this.sql = sql;
    this.loaders = Map.copyOf(loaders);
    this.counter = counter;
    this.progress = progress;
  }

  /**
   * Runs the warm-up round and {@code roundCount} measured rounds of the players of each count on
   * {@code date}, with the window and max games of {@code settings}.
   *
   * @return per players count, then side, what the measured rounds measured
   * @throws IllegalStateException when a run of the warm-up round fails
   */
  List<Measurement> run(LocalDate date, LoaderSettings settings, Map<Integer, List<String>> lookups, int roundCount)
      throws InterruptedException {
    Map<String, Series> series = new LinkedHashMap<>();
    for (int count : lookups.keySet()) {
      for (Side side : sides) {
        series.put(key(count, side), new Series(count, side));
      }
    }
    for (int round = 0; round <= roundCount; round++) {
      List<Side> order = order(sides, round);
      String label = round == 0 ? "warm-up" : "round " + round + "/" + roundCount;
      for (Map.Entry<Integer, List<String>> players : lookups.entrySet()) {
        int count = players.getKey();
        LoadRequest request = LoadRequest.builder(date, settings).players(players.getValue()).build();
        for (Side side : order) {
          progress.show("hgl compare: " + label + ", " + TextReport.count(count, "player") + ", " + side.name());
          Run run = side.bare() ? runBare(request) : runLoader(loaders.get(side.name()), request);
          if (round == 0) {
            if (run.failure() != null) {
              throw new IllegalStateException("the warm-up round failed: " + TextReport.count(count, "player") + ", "
                  + side.name() + ": " + run.failure());
            }
          } else {
            series.get(key(count, side)).add(run);
          }
        }
      }
    }
    return series.values().stream().map(Series::measurement).toList();
  }

  /** The sides in the order they run in a round: as given in even rounds (the warm-up is 0), reversed in odd ones. */
  static List<Side> order(List<Side> sides, int round) {
    if (round % 2 == 0) {
      return sides;
    }
    List<Side> reversed = new ArrayList<>(sides);
    Collections.reverse(reversed);
    return reversed;
  }

  private static String key(int count, Side side) {
    return count + " " + side.name();
  }

  private Run runBare(LoadRequest request) throws InterruptedException {
    resetCounts();
    long startEpoch = System.currentTimeMillis();
    long start = System.nanoTime();
    long rows;
    try {
      rows = bare.rows(sql, request);
    } catch (RuntimeException e) {
      return new Run(0, 0, null, null, e.getClass().getSimpleName() + ": " + Messages.describe(e));
    }
    double millis = (System.nanoTime() - start) / 1_000_000.0;
    long endEpoch = System.currentTimeMillis();
    return new Run(millis, rows, readCounts(), afterJobEnd(startEpoch, endEpoch), null);
  }

  private Run runLoader(HistoricalGamesLoader loader, LoadRequest request) {
    resetCounts();
    long startEpoch = System.currentTimeMillis();
    long start = System.nanoTime();
    LoadResult result;
    try {
      result = loader.load(request);
    } catch (RuntimeException e) {
      return new Run(0, 0, null, null, e.getClass().getSimpleName() + ": " + Messages.describe(e));
    }
    double millis = (System.nanoTime() - start) / 1_000_000.0;
    long endEpoch = System.currentTimeMillis();
    RequestCounter.Counts counts = readCounts();
    if (!result.isComplete()) {
      Map.Entry<String, LoaderException> first = result.failures().entrySet().iterator().next();
      return new Run(millis, 0, counts, null, result.failures().size() + " of "
          + TextReport.count(request.players().size(), "player") + " failed; first " + first.getKey() + ": "
          + first.getValue().kind() + ": "
          + Messages.describe(first.getValue()));
    }
    long rows = result.loaded().values().stream().mapToLong(List::size).sum();
    return new Run(millis, rows, counts, afterJobEnd(startEpoch, endEpoch), null);
  }

  /** Milliseconds from the end of the run's last asynchronous job to its answer; null without such jobs. */
  private @Nullable Double afterJobEnd(long startEpoch, long endEpoch) {
    if (counter == null) {
      return null;
    }
    List<Long> ends = counter.jobEnds(startEpoch);
    return ends.isEmpty() ? null : (double) (endEpoch - Collections.max(ends));
  }

  private void resetCounts() {
    if (counter != null) {
      counter.reset();
    }
  }

  private RequestCounter.@Nullable Counts readCounts() {
    return counter == null ? null : counter.read();
  }
}
