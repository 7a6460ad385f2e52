package dev.gamehistory.loader;

import dev.gamehistory.loader.internal.Internals;
import dev.gamehistory.loader.settings.LoaderSettings;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What to load: players' most recent {@code maxGames} games in the {@code lookbackDays} days before
 * {@code gameDate}.
 *
 * <p>The window runs from {@link #windowStart()} (inclusive) to {@link #gameDate()} (exclusive).
 * Players keep their first-seen order; duplicates collapse. A request may carry its own deadline,
 * which then replaces the loader's configured one.
 *
 * @param players distinct, non-blank player lookups in request order
 * @param gameDate the game day; games on this date are not part of the history
 * @param lookbackDays how many days before the game date the window reaches, 1..3650
 * @param maxGames most games per player, 1..1000
 * @param deadline this load's total deadline, replacing the loader's, when present
 */
public record LoadRequest(
    List<String> players, LocalDate gameDate, int lookbackDays, int maxGames, Optional<Duration> deadline) {

  /** The default window length in days. */
  public static final int DEFAULT_LOOKBACK_DAYS = 90;
  /** The default number of games per player. */
  public static final int DEFAULT_MAX_GAMES = 30;
  /** The longest window in days. */
  public static final int MAX_LOOKBACK_DAYS = 3650;
  /** The largest number of games per player. */
  public static final int MAX_MAX_GAMES = 1000;
  /** The earliest window start: the first BigQuery DATE. */
  public static final LocalDate MIN_DATE = LocalDate.of(1, 1, 1);
  /** The latest game date: the last BigQuery DATE. */
  public static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 31);

  /**
   * Validates every field and collapses duplicate players.
   *
   * @throws IllegalArgumentException naming the field and the value when one is out of range
   */
  public LoadRequest {
    Objects.requireNonNull(players, "players");
    Objects.requireNonNull(gameDate, "gameDate");
    Objects.requireNonNull(deadline, "deadline");
    players = distinctPlayers(players);
    Internals.checkLookbackDays(lookbackDays);
    Internals.checkMaxGames(maxGames);
    if (gameDate.isAfter(MAX_DATE) || gameDate.minusDays(lookbackDays).isBefore(MIN_DATE)) {
      throw new IllegalArgumentException("the window " + gameDate.minusDays(lookbackDays) + " .. " + gameDate
          + " (gameDate " + gameDate + ", lookbackDays " + lookbackDays + ") must lie within " + MIN_DATE + " .. "
          + MAX_DATE + ", the range of a BigQuery DATE");
    }
    if (deadline.isPresent() && (deadline.get().isNegative() || deadline.get().isZero())) {
      throw new IllegalArgumentException("deadline must be positive but was " + deadline.get());
    }
  }

  /** A request with the default window (90 days) and max games (30) and the loader's deadline. */
  public static LoadRequest of(LocalDate gameDate, Collection<String> players) {
    return builder(gameDate).players(players).build();
  }

  /** A builder for a request on the given game date, with the default window and max games. */
  public static Builder builder(LocalDate gameDate) {
    return new Builder(gameDate);
  }

  /**
   * A builder for a request on the given game date with the lookback days and max games of
   * {@code settings}, as {@link HistoricalGamesLoader#newRequest} makes one.
   */
  public static Builder builder(LocalDate gameDate, LoaderSettings settings) {
    return new Builder(gameDate).lookbackDays(settings.lookbackDays()).maxGames(settings.maxGames());
  }

  /** A builder holding this request's values. */
  public Builder toBuilder() {
    return new Builder(gameDate)
        .players(players)
        .lookbackDays(lookbackDays)
        .maxGames(maxGames)
        .deadline(deadline.orElse(null));
  }

  /** The first day of the window, inclusive: {@code gameDate - lookbackDays}. */
  public LocalDate windowStart() {
    return gameDate.minusDays(lookbackDays);
  }

  /** The day after the window, exclusive: the game date. */
  public LocalDate windowEnd() {
    return gameDate;
  }

  private static List<String> distinctPlayers(List<String> players) {
    Set<String> distinct = new LinkedHashSet<>();
    int index = 0;
    for (String player : players) {
      if (player == null) {
        throw new IllegalArgumentException("players[" + index + "] must not be null");
      }
      if (player.isBlank()) {
        throw new IllegalArgumentException("players[" + index + "] must not be blank but was '" + player + "'");
      }
      distinct.add(player);
      index++;
    }
    if (distinct.isEmpty()) {
      throw new IllegalArgumentException("players must not be empty");
    }
    return List.copyOf(distinct);
  }

  /** Builds a {@link LoadRequest}; {@link #build()} validates. */
  public static final class Builder {
    private final LocalDate gameDate;
    private final List<String> players = new ArrayList<>();
    private int lookbackDays = DEFAULT_LOOKBACK_DAYS;
    private int maxGames = DEFAULT_MAX_GAMES;
    private @Nullable Duration deadline;

    private Builder(LocalDate gameDate) {
      this.gameDate = Objects.requireNonNull(gameDate, "gameDate");
    }

    /** Adds players; duplicates collapse at {@link #build()}. */
    public Builder players(Collection<String> players) {
      this.players.addAll(players);
      return this;
    }

    /** Adds players; duplicates collapse at {@link #build()}. */
    public Builder players(String... players) {
      return players(Arrays.asList(players));
    }

    /** The window length in days, 1..3650; default 90. */
    public Builder lookbackDays(int lookbackDays) {
      this.lookbackDays = lookbackDays;
      return this;
    }

    /** The most games per player, 1..1000; default 30. */
    public Builder maxGames(int maxGames) {
      this.maxGames = maxGames;
      return this;
    }

    /** This load's deadline, replacing the loader's; {@code null} keeps the loader's. */
    public Builder deadline(@Nullable Duration deadline) {
      this.deadline = deadline;
      return this;
    }

    /**
     * The request.
     *
     * @throws IllegalArgumentException naming the field and the value when one is invalid
     */
    public LoadRequest build() {
      return new LoadRequest(players, gameDate, lookbackDays, maxGames, Optional.ofNullable(deadline));
    }
  }
}
