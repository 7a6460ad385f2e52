package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.internal.text.Plural;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The (date, player) pairs one query asks for, by date, and which try this is for them. A load of
 * one game date has one date; a backfill's queries may hold several.
 */
record Task(SortedMap<LocalDate, List<String>> slates, int attempt) {

  Task {
    SortedMap<LocalDate, List<String>> copy = new TreeMap<>();
    slates.forEach((date, players) -> copy.put(date, List.copyOf(players)));
    slates = Collections.unmodifiableSortedMap(copy);
    if (slates.isEmpty() || slates.values().stream().anyMatch(List::isEmpty)) {
      throw new IllegalArgumentException("a task needs players: " + slates);
    }
  }

  /** A task of one date's players. */
  static Task of(LocalDate gameDate, List<String> players, int attempt) {
    return new Task(new TreeMap<>(Map.of(gameDate, players)), attempt);
  }

  /** Whether it holds one game date. */
  boolean isSingleDate() {
    return slates.size() == 1;
  }

  /** How many (date, player) pairs it holds. */
  int pairs() {
    return slates.values().stream().mapToInt(List::size).sum();
  }

  /** Its distinct players, in date order. */
  List<String> players() {
    if (isSingleDate()) {
      return slates.get(slates.firstKey());
    }
    LinkedHashSet<String> players = new LinkedHashSet<>();
    slates.values().forEach(players::addAll);
    return List.copyOf(players);
  }

  /** The same pairs as a later try. */
  Task retry() {
    return new Task(slates, attempt + 1);
  }

  /**
   * Its halves as first tries: by dates when it holds several (the earlier dates first), else by
   * players (the first half rounded up).
   */
  List<Task> halves() {
    if (!isSingleDate()) {
      List<LocalDate> dates = new ArrayList<>(slates.keySet());
      int half = (dates.size() + 1) / 2;
      return List.of(new Task(slates.headMap(dates.get(half)), 1), new Task(slates.tailMap(dates.get(half)), 1));
    }
    LocalDate date = slates.firstKey();
    List<String> players = slates.get(date);
    int half = (players.size() + 1) / 2;
    return List.of(of(date, players.subList(0, half), 1), of(date, players.subList(half, players.size()), 1));
  }

  /** {@code 12 players} for one date, {@code 30 dates, 9000 pairs} for several. */
  String describe() {
    if (isSingleDate()) {
      return Plural.count(pairs(), "player", "players");
    }
    return Plural.count(slates.size(), "date", "dates") + ", " + Plural.count(pairs(), "pair", "pairs");
  }

  /** The size of a part as {@link #describe()} counts: players of one date, dates of several. */
  int size() {
    return isSingleDate() ? pairs() : slates.size();
  }
}
