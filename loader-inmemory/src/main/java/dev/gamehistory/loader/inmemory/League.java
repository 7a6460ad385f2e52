package dev.gamehistory.loader.inmemory;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A generated league: its game rows, players, teams and seasons. Immutable; made by
 * {@link LeagueGenerator}.
 */
public final class League {

  private final long seed;
  private final List<GameRow> rows;
  private final List<String> players;
  private final List<String> teams;
  private final List<Season> seasons;
  private final NavigableMap<LocalDate, List<String>> slates;
  private final List<String> playersWithoutGames;
  private final Map<String, List<GameRow>> rowsByPlayer;

  League(long seed, List<GameRow> rows, Set<String> players, List<String> teams, List<Season> seasons,
      Map<LocalDate, Set<String>> slates) {
    this.seed = seed;
    this.rows = List.copyOf(rows);
    this.players = List.copyOf(new TreeSet<>(players));
    this.teams = List.copyOf(new TreeSet<>(teams));
    this.seasons = List.copyOf(seasons);
    TreeMap<LocalDate, List<String>> sortedSlates = new TreeMap<>();
    slates.forEach((date, slate) -> sortedSlates.put(date, List.copyOf(new TreeSet<>(slate))));
    this.slates = Collections.unmodifiableNavigableMap(sortedSlates);
    Map<String, List<GameRow>> byPlayer = new HashMap<>();
    for (GameRow row : this.rows) {
      byPlayer.computeIfAbsent(row.playerLookup(), p -> new ArrayList<>()).add(row);
    }
    byPlayer.replaceAll((player, list) -> List.copyOf(list));
    this.rowsByPlayer = Collections.unmodifiableMap(byPlayer);
    Set<String> without = new TreeSet<>(this.players);
    without.removeAll(new HashSet<>(byPlayer.keySet()));
    this.playersWithoutGames = List.copyOf(without);
  }

  /** The seed it was generated from. */
  public long seed() {
    return seed;
  }

  /** Every game row, by date. */
  public List<GameRow> rows() {
    return rows;
  }

  /** One player's rows, by date; empty for a player without games or unknown. */
  public List<GameRow> rowsOf(String player) {
    return rowsByPlayer.getOrDefault(player, List.of());
  }

  /** Every player that was ever on a roster, sorted by lookup; includes players without games. */
  public List<String> players() {
    return players;
  }

  /** Rostered players that never played a game, sorted. */
  public List<String> playersWithoutGames() {
    return playersWithoutGames;
  }

  /** The teams' abbreviations, sorted. */
  public List<String> teams() {
    return teams;
  }

  /** The seasons, oldest first. */
  public List<Season> seasons() {
    return seasons;
  }

  /** The first day with games. */
  public LocalDate firstDay() {
    return seasons.get(0).firstDay();
  }

  /** The last day with games. */
  public LocalDate lastDay() {
    return seasons.get(seasons.size() - 1).lastDay();
  }

  /** Every date with at least one game, in order. */
  public List<LocalDate> gameDates() {
    return List.copyOf(slates.keySet());
  }

  /**
   * The players on the rosters of the teams playing on {@code date} (injured and inactive ones
   * included), sorted; empty on a day without games.
   */
  public List<String> slate(LocalDate date) {
    return slates.getOrDefault(Objects.requireNonNull(date, "date"), List.of());
  }

  /**
   * A date with games at least 45 days into its season, so that a default 90-day window holds
   * games; the same seed gives the same date.
   */
  public LocalDate pickGameDate(long seed) {
    List<LocalDate> candidates = new ArrayList<>();
    for (LocalDate date : slates.keySet()) {
      if (seasonOf(date).firstDay().plusDays(45).isBefore(date)) {
        candidates.add(date);
      }
    }
    if (candidates.isEmpty()) {
      candidates.addAll(slates.keySet());
    }
    return candidates.get(new SplittableRandom(seed).nextInt(candidates.size()));
  }

  @Override
  public String toString() {
    return "League{seed=" + seed + ", seasons=" + seasons.size() + ", teams=" + teams.size() + ", players="
        + players.size() + ", rows=" + rows.size() + "}";
  }

  private Season seasonOf(LocalDate date) {
    for (Season season : seasons) {
      if (!date.isAfter(season.lastDay())) {
        return season;
      }
    }
    return seasons.get(seasons.size() - 1);
  }

  /**
   * One season.
   *
   * @param label e.g. {@code 2021-22}
   * @param firstDay its first day with games
   * @param lastDay its last day with games
   */
  public record Season(String label, LocalDate firstDay, LocalDate lastDay) {
    /** Checks the fields. */
    public Season {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(firstDay, "firstDay");
      Objects.requireNonNull(lastDay, "lastDay");
      if (lastDay.isBefore(firstDay)) {
        throw new IllegalArgumentException("lastDay " + lastDay + " must not be before firstDay " + firstDay);
      }
    }

    /** Whether the date lies in the season (first and last day included). */
    public boolean contains(LocalDate date) {
      return !date.isBefore(firstDay) && !date.isAfter(lastDay);
    }
  }
}
