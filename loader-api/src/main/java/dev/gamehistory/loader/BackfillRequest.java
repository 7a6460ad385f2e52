package dev.gamehistory.loader;

import dev.gamehistory.loader.internal.Internals;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Many game dates to load in one backfill: one {@link LoadRequest} per date, each answered exactly
 * as {@link HistoricalGamesLoader#load} answers it on its own, and one deadline for the whole
 * backfill (the loader's {@code backfill.deadline} when absent). Immutable.
 *
 * <p>Build it from requests ({@link Builder#add(LoadRequest)}) or from (date, player) pairs
 * ({@link Builder#player(LocalDate, String)}), whose dates take the builder's window.
 */
public final class BackfillRequest {

  private final List<LoadRequest> dates;
  private final Optional<Duration> deadline;

  private BackfillRequest(List<LoadRequest> dates, Optional<Duration> deadline) {
    this.dates = List.copyOf(dates);
    this.deadline = deadline;
  }

  /**
   * A backfill of these requests, one per date, in any order.
   *
   * @throws IllegalArgumentException when there is none, a date is given twice or a request has a
   *     deadline of its own (a backfill has one deadline)
   */
  public static BackfillRequest of(Collection<LoadRequest> dates) {
    Builder builder = builder();
    dates.forEach(builder::add);
    return builder.build();
  }

  /** A builder whose pair dates take the default window (90 days) and max games (30). */
  public static Builder builder() {
    return new Builder(Internals.DEFAULT_LOOKBACK_DAYS, Internals.DEFAULT_MAX_GAMES);
  }

  /** A builder whose pair dates take the lookback days and max games of {@code settings}. */
  public static Builder builder(LoaderSettings settings) {
    return new Builder(settings.lookbackDays(), settings.maxGames());
  }

  /** The requests, one per date, dates ascending. */
  public List<LoadRequest> dates() {
    return dates;
  }

  /** The whole backfill's deadline; the loader's {@code backfill.deadline} when empty. */
  public Optional<Duration> deadline() {
    return deadline;
  }

  /** How many (date, player) pairs the backfill holds. */
  public long pairs() {
    return dates.stream().mapToLong(request -> request.players().size()).sum();
  }

  @Override
  public String toString() {
    return "BackfillRequest{" + Internals.count(dates.size(), "date", "dates") + " from " + dates.get(0).gameDate()
        + " to " + dates.get(dates.size() - 1).gameDate() + ", " + Internals.count(pairs(), "pair", "pairs")
        + deadline.map(d -> ", deadline " + Internals.format(d)).orElse("") + "}";
  }

  /** Builds a {@link BackfillRequest}. */
  public static final class Builder {
    private final Map<LocalDate, LoadRequest> requests = new TreeMap<>();
    private final Map<LocalDate, Set<String>> pairs = new TreeMap<>();
    private int lookbackDays;
    private int maxGames;
    private @Nullable Duration deadline;

    private Builder(int lookbackDays, int maxGames) {
      this.lookbackDays = lookbackDays;
      this.maxGames = maxGames;
    }

    /**
     * Adds one date's request.
     *
     * @throws IllegalArgumentException when its date is already in the backfill or it has a deadline
     */
    public Builder add(LoadRequest request) {
      Objects.requireNonNull(request, "request");
      if (request.deadline().isPresent()) {
        throw new IllegalArgumentException("the request of " + request.gameDate() + " has a deadline of its own ("
            + Internals.format(request.deadline().get()) + "); a backfill has one deadline: give it with deadline(...)");
      }
      requireNewDate(request.gameDate(), requests.containsKey(request.gameDate()) || pairs.containsKey(request.gameDate()));
      requests.put(request.gameDate(), request);
      return this;
    }

    /**
     * Adds a (date, player) pair; a pair given twice counts once.
     *
     * @throws IllegalArgumentException when the date was added as a request, or the player is blank
     */
    public Builder player(LocalDate gameDate, String player) {
      return players(gameDate, List.of(Objects.requireNonNull(player, "player")));
    }

    /**
     * Adds the players of one date; players given twice count once.
     *
     * @throws IllegalArgumentException when the date was added as a request, or a player is blank
     */
    public Builder players(LocalDate gameDate, Collection<String> players) {
      Objects.requireNonNull(gameDate, "gameDate");
      requireNewDate(gameDate, requests.containsKey(gameDate));
      // Every player checked before any is added: a refused call adds nothing.
      List<String> checked = new ArrayList<>();
      int index = 0;
      for (String player : players) {
        if (player == null || player.isBlank()) {
          throw new IllegalArgumentException("players of " + gameDate + "[" + index + "] must not be "
              + (player == null ? "null" : "blank but was '" + player + "'"));
        }
        checked.add(player);
        index++;
      }
      pairs.computeIfAbsent(gameDate, date -> new LinkedHashSet<>()).addAll(checked);
      return this;
    }

    /** The window length of the dates given as pairs; default 90, or the settings'. */
    public Builder lookbackDays(int lookbackDays) {
      Internals.checkLookbackDays(lookbackDays);
      this.lookbackDays = lookbackDays;
      return this;
    }

    /** The most games per player of the dates given as pairs; default 30, or the settings'. */
    public Builder maxGames(int maxGames) {
      Internals.checkMaxGames(maxGames);
      this.maxGames = maxGames;
      return this;
    }

    /**
     * The whole backfill's deadline.
     *
     * @throws IllegalArgumentException when not positive or longer than {@link BackfillPolicy#MAX_DEADLINE}
     */
    public Builder deadline(Duration deadline) {
      Objects.requireNonNull(deadline, "deadline");
      if (deadline.isNegative() || deadline.isZero() || deadline.compareTo(BackfillPolicy.MAX_DEADLINE) > 0) {
        throw new IllegalArgumentException("deadline must be positive and at most " + BackfillPolicy.MAX_DEADLINE
            + " but was " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    /**
     * The request.
     *
     * @throws IllegalArgumentException when no date was given, or a pair date's window does not fit
     *     a BigQuery DATE
     */
    public BackfillRequest build() {
      if (requests.isEmpty() && pairs.isEmpty()) {
        throw new IllegalArgumentException("a backfill needs at least one game date");
      }
      Map<LocalDate, LoadRequest> all = new TreeMap<>(requests);
      pairs.forEach((date, players) -> {
        if (players.isEmpty()) {
          throw new IllegalArgumentException("game date " + date + " has no players");
        }
      });
      pairs.forEach((date, players) -> all.put(date, LoadRequest.builder(date).players(new ArrayList<>(players))
          .lookbackDays(lookbackDays).maxGames(maxGames).build()));
      return new BackfillRequest(new ArrayList<>(all.values()), Optional.ofNullable(deadline));
    }

    private static void requireNewDate(LocalDate gameDate, boolean taken) {
      if (taken) {
        throw new IllegalArgumentException("game date " + gameDate + " is already in the backfill");
      }
    }
  }
}
