package dev.gamehistory.loader.spi;

import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One backend query over several game dates: for each date, its players' windows as a
 * {@link WindowQuery} of that date defines them (same window length and max games for every date).
 * Each (date, player) pair is answered as if it were queried alone: rank and rest days are counted
 * within the pair's own window.
 *
 * @param slates the players of each game date, dates ascending; every list distinct and non-empty
 * @param lookbackDays each window's length in days
 * @param maxGames the most games per (date, player)
 */
public record DatesQuery(SortedMap<LocalDate, List<String>> slates, int lookbackDays, int maxGames) {

  /** Copies the slates and checks the fields. */
  public DatesQuery {
    Objects.requireNonNull(slates, "slates");
    if (slates.isEmpty()) {
      throw new IllegalArgumentException("slates must not be empty");
    }
    SortedMap<LocalDate, List<String>> copy = new TreeMap<>();
    slates.forEach((date, players) -> {
      Objects.requireNonNull(date, "slates: a date is null");
      List<String> distinct = List.copyOf(new LinkedHashSet<>(players));
      if (distinct.isEmpty()) {
        throw new IllegalArgumentException("slates: the players of " + date + " must not be empty");
      }
      copy.put(date, distinct);
    });
    slates = Collections.unmodifiableSortedMap(copy);
    if (lookbackDays < 1) {
      throw new IllegalArgumentException("lookbackDays must be positive but was " + lookbackDays);
    }
    if (maxGames < 1) {
      throw new IllegalArgumentException("maxGames must be positive but was " + maxGames);
    }
  }

  /** The query of one date alone. */
  public WindowQuery window(LocalDate gameDate) {
    List<String> players = slates.get(gameDate);
    if (players == null) {
      throw new IllegalArgumentException("the query has no date " + gameDate);
    }
    return new WindowQuery(players, gameDate, lookbackDays, maxGames);
  }

  /** The first day any window holds: the earliest date minus the window's length. */
  public LocalDate scanStart() {
    return slates.firstKey().minusDays(lookbackDays);
  }

  /** The first day after every window: the latest date. */
  public LocalDate scanEnd() {
    return slates.lastKey();
  }

  /** How many (date, player) pairs the query holds. */
  public int pairs() {
    return slates.values().stream().mapToInt(List::size).sum();
  }

  /** The distinct players of every date, in order of first appearance. */
  public List<String> players() {
    LinkedHashSet<String> players = new LinkedHashSet<>();
    slates.values().forEach(players::addAll);
    return List.copyOf(players);
  }

  /** A query of the given slates. */
  public static DatesQuery of(Map<LocalDate, List<String>> slates, int lookbackDays, int maxGames) {
    return new DatesQuery(new TreeMap<>(slates), lookbackDays, maxGames);
  }
}
