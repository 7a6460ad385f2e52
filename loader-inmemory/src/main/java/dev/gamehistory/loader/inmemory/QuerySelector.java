package dev.gamehistory.loader.inmemory;

import dev.gamehistory.loader.spi.DatesQuery;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which queries a {@link FaultPlan} rule applies to. Queries are numbered from 1 over every
 * {@code fetch} call of one backend instance, whatever load or thread made it.
 */
public sealed interface QuerySelector
    permits QuerySelector.Every, QuerySelector.Nth, QuerySelector.EveryNth, QuerySelector.Share,
        QuerySelector.ContainingPlayer {

  /** Every query. */
  static QuerySelector every() {
    return new Every();
  }

  /** The queries with the given numbers (1-based). */
  static QuerySelector nth(int... numbers) {
    return new Nth(new TreeSet<>(Arrays.stream(numbers).boxed().toList()));
  }

  /** Every {@code k}-th query starting with query {@code offset}: {@code everyNth(4, 1)} is 1, 5, 9, ... */
  static QuerySelector everyNth(int k, int offset) {
    return new EveryNth(k, offset);
  }

  /** A share of the queries, drawn from the plan's seed: {@code share(0.25)} is about one in four. */
  static QuerySelector share(double share) {
    return new Share(share);
  }

  /** The queries asking for the given player. */
  static QuerySelector containingPlayer(String player) {
    return new ContainingPlayer(player);
  }

  /**
   * Whether the rule applies.
   *
   * @param number the query's number, from 1
   * @param query the query: its dates and players (one date for a {@code fetch})
   * @param random a uniform number in [0, 1) drawn for this rule and query from the plan's seed
   */
  boolean matches(int number, DatesQuery query, double random);

  /** Every query. */
  record Every() implements QuerySelector {
    @Override
    public boolean matches(int number, DatesQuery query, double random) {
      return true;
    }
  }

  /**
   * The queries with the given numbers.
   *
   * @param numbers 1-based query numbers; at least one
   */
  record Nth(Set<Integer> numbers) implements QuerySelector {
    /** Validates the numbers. */
    public Nth {
      numbers = Set.copyOf(numbers);
      if (numbers.isEmpty()) {
        throw new IllegalArgumentException("numbers must not be empty");
      }
      for (int n : numbers) {
        if (n < 1) {
          throw new IllegalArgumentException("query numbers start at 1 but got " + n);
        }
      }
    }

    @Override
    public boolean matches(int number, DatesQuery query, double random) {
      return numbers.contains(number);
    }
  }

  /**
   * Queries {@code offset}, {@code offset + k}, {@code offset + 2k}, ...
   *
   * @param k the period; at least 1
   * @param offset the first query's number; at least 1
   */
  record EveryNth(int k, int offset) implements QuerySelector {
    /** Validates the period and offset. */
    public EveryNth {
      if (k < 1) {
        throw new IllegalArgumentException("k must be at least 1 but was " + k);
      }
      if (offset < 1) {
        throw new IllegalArgumentException("offset must be at least 1 but was " + offset);
      }
    }

    @Override
    public boolean matches(int number, DatesQuery query, double random) {
      return number >= offset && (number - offset) % k == 0;
    }
  }

  /**
   * A seeded share of the queries.
   *
   * @param share 0.0 (none) .. 1.0 (all)
   */
  record Share(double share) implements QuerySelector {
    /** Validates the share. */
    public Share {
      if (!(share >= 0.0 && share <= 1.0)) {
        throw new IllegalArgumentException("share must be between 0.0 and 1.0 but was " + share);
      }
    }

    @Override
    public boolean matches(int number, DatesQuery query, double random) {
      return random < share;
    }
  }

  /**
   * The queries asking for a player.
   *
   * @param player the player's lookup
   */
  record ContainingPlayer(String player) implements QuerySelector {
    /** Validates the player. */
    public ContainingPlayer {
      Objects.requireNonNull(player, "player");
      if (player.isBlank()) {
        throw new IllegalArgumentException("player must not be blank but was '" + player + "'");
      }
    }

    @Override
    public boolean matches(int number, DatesQuery query, double random) {
      return query.players().contains(player);
    }
  }
}
