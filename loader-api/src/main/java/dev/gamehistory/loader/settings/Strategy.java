package dev.gamehistory.loader.settings;

import java.util.List;
import java.util.stream.Collectors;

/**
 * How a load splits its players into backend queries. Strategies are backend-independent: the same
 * engine runs them over BigQuery and over the in-memory testkit.
 *
 * <ul>
 *   <li>{@link Batch}: one query for all players.
 *   <li>{@link Chunked}: queries of {@code chunkSize} players, at most {@code parallelism} at once.
 *   <li>{@link PerPlayer}: one query per player, at most {@code parallelism} at once.
 *   <li>{@link Adaptive}: starts with chunks of {@code initialChunkSize} players (0: all in one
 *       query); a query that times out or fails transiently is split in two and the halves are
 *       tried, down to single players, which are retried while the deadline allows.
 *   <li>{@link Fallback}: runs its stages in turn; the players that failed under one stage go to
 *       the next.
 * </ul>
 */
public sealed interface Strategy
    permits Strategy.Batch, Strategy.Chunked, Strategy.PerPlayer, Strategy.Adaptive, Strategy.Fallback {

  /** The most players one query may ask for. */
  int MAX_CHUNK_SIZE = 10_000;
  /** The most queries one load may run at once. */
  int MAX_PARALLELISM = 256;

  /** One query for all players. */
  static Strategy batch() {
    return new Batch();
  }

  /** Queries of {@code chunkSize} players, at most {@code parallelism} at once. */
  static Strategy chunked(int chunkSize, int parallelism) {
    return new Chunked(chunkSize, parallelism);
  }

  /** One query per player, at most {@code parallelism} at once. */
  static Strategy perPlayer(int parallelism) {
    return new PerPlayer(parallelism);
  }

  /** Adaptive, starting with one query for all players, then up to 4 queries at once. */
  static Strategy adaptive() {
    return new Adaptive(0, 4);
  }

  /** Adaptive, starting with chunks of {@code initialChunkSize} players (0: all in one query). */
  static Strategy adaptive(int initialChunkSize, int parallelism) {
    return new Adaptive(initialChunkSize, parallelism);
  }

  /** Runs the stages in turn; players that failed under one go to the next. */
  static Strategy fallback(Strategy first, Strategy... then) {
    java.util.ArrayList<Strategy> stages = new java.util.ArrayList<>();
    stages.add(first);
    stages.addAll(List.of(then));
    return new Fallback(stages);
  }

  /** The strategy's settings name: {@code batch}, {@code chunked}, {@code per-player}, {@code adaptive}, {@code fallback}. */
  String name();

  /** A readable description with every parameter, e.g. {@code chunked(size=100, parallelism=4)}. */
  String describe();

  /** One query for all players. */
  record Batch() implements Strategy {
    @Override
    public String name() {
      return "batch";
    }

    @Override
    public String describe() {
      return "batch";
    }
  }

  /**
   * Queries of {@code chunkSize} players, at most {@code parallelism} at once.
   *
   * @param chunkSize players per query, 1..10000
   * @param parallelism queries at once, 1..256
   */
  record Chunked(int chunkSize, int parallelism) implements Strategy {
    /** Validates the parameters. */
    public Chunked {
      checkChunkSize("chunkSize", chunkSize, 1);
      checkParallelism(parallelism);
    }

    @Override
    public String name() {
      return "chunked";
    }

    @Override
    public String describe() {
      return "chunked(size=" + chunkSize + ", parallelism=" + parallelism + ")";
    }
  }

  /**
   * One query per player, at most {@code parallelism} at once.
   *
   * @param parallelism queries at once, 1..256
   */
  record PerPlayer(int parallelism) implements Strategy {
    /** Validates the parameter. */
    public PerPlayer {
      checkParallelism(parallelism);
    }

    @Override
    public String name() {
      return "per-player";
    }

    @Override
    public String describe() {
      return "per-player(parallelism=" + parallelism + ")";
    }
  }

  /**
   * Splits queries that time out or fail transiently.
   *
   * @param initialChunkSize players in each first query, 1..10000, or 0 for all players in one
   * @param parallelism queries at once, 1..256
   */
  record Adaptive(int initialChunkSize, int parallelism) implements Strategy {
    /** Validates the parameters. */
    public Adaptive {
      checkChunkSize("initialChunkSize", initialChunkSize, 0);
      checkParallelism(parallelism);
    }

    @Override
    public String name() {
      return "adaptive";
    }

    @Override
    public String describe() {
      return "adaptive(initial-chunk=" + (initialChunkSize == 0 ? "all" : Integer.toString(initialChunkSize))
          + ", parallelism=" + parallelism + ")";
    }
  }

  /**
   * Runs the stages in turn.
   *
   * @param stages two or more strategies, none of them a fallback
   */
  record Fallback(List<Strategy> stages) implements Strategy {
    /** Validates the stages. */
    public Fallback {
      stages = List.copyOf(stages);
      if (stages.size() < 2) {
        throw new IllegalArgumentException("a fallback needs at least 2 stages but got " + stages.size());
      }
      for (Strategy stage : stages) {
        if (stage instanceof Fallback) {
          throw new IllegalArgumentException("a fallback stage must not itself be a fallback: " + stage.describe());
        }
      }
    }

    @Override
    public String name() {
      return "fallback";
    }

    @Override
    public String describe() {
      return stages.stream().map(Strategy::describe).collect(Collectors.joining(" -> "));
    }
  }

  private static void checkChunkSize(String name, int value, int min) {
    if (value < min || value > MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + MAX_CHUNK_SIZE + " but was " + value);
    }
  }

  private static void checkParallelism(int value) {
    if (value < 1 || value > MAX_PARALLELISM) {
      throw new IllegalArgumentException("parallelism must be between 1 and " + MAX_PARALLELISM + " but was " + value);
    }
  }
}
