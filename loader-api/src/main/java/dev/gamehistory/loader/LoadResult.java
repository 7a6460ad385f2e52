package dev.gamehistory.loader;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The outcome of a load: exactly one {@link PlayerOutcome} for each requested player, in request
 * order, and a {@link LoadReport} of what ran.
 */
public final class LoadResult {

  private final Map<String, PlayerOutcome> outcomes;
  private final LoadReport report;

  private LoadResult(Map<String, PlayerOutcome> outcomes, LoadReport report) {
    this.outcomes = outcomes;
    this.report = report;
  }

  /**
   * A result of the given outcomes, in the given order; each outcome's player must be distinct.
   *
   * @throws IllegalArgumentException when two outcomes name the same player
   */
  public static LoadResult of(List<? extends PlayerOutcome> outcomes, LoadReport report) {
    Objects.requireNonNull(report, "report");
    Map<String, PlayerOutcome> byPlayer = new LinkedHashMap<>();
    for (PlayerOutcome outcome : outcomes) {
      if (byPlayer.putIfAbsent(outcome.player(), outcome) != null) {
        throw new IllegalArgumentException("two outcomes for player '" + outcome.player() + "'");
      }
    }
    return new LoadResult(Collections.unmodifiableMap(byPlayer), report);
  }

  /** Every requested player's outcome, in request order. */
  public Map<String, PlayerOutcome> outcomes() {
    return outcomes;
  }

  /** The requested player's outcome. */
  public PlayerOutcome outcome(String player) {
    PlayerOutcome outcome = outcomes.get(player);
    if (outcome == null) {
      throw new IllegalArgumentException("player '" + player + "' was not requested");
    }
    return outcome;
  }

  /**
   * The requested player's games, newest first; empty when the player truly has no game in the window.
   *
   * @throws PlayerLoadFailedException when the player's load failed
   * @throws IllegalArgumentException when the player was not requested
   */
  public List<HistoricalGame> games(String player) {
    PlayerOutcome outcome = outcome(player);
    if (outcome instanceof PlayerOutcome.Failed failed) {
      throw new PlayerLoadFailedException(player, failed.cause());
    }
    return ((PlayerOutcome.Loaded) outcome).games();
  }

  /** The players whose load failed, in request order. */
  public Set<String> failedPlayers() {
    return failures().keySet();
  }

  /** The failed players with their failures, in request order. */
  public Map<String, LoaderException> failures() {
    Map<String, LoaderException> failures = new LinkedHashMap<>();
    for (PlayerOutcome outcome : outcomes.values()) {
      if (outcome instanceof PlayerOutcome.Failed failed) {
        failures.put(failed.player(), failed.cause());
      }
    }
    return Collections.unmodifiableMap(failures);
  }

  /** The loaded players with their games, in request order. */
  public Map<String, List<HistoricalGame>> loaded() {
    Map<String, List<HistoricalGame>> loaded = new LinkedHashMap<>();
    for (PlayerOutcome outcome : outcomes.values()) {
      if (outcome instanceof PlayerOutcome.Loaded ok) {
        loaded.put(ok.player(), ok.games());
      }
    }
    return Collections.unmodifiableMap(loaded);
  }

  /** Whether every requested player was loaded. */
  public boolean isComplete() {
    return outcomes.values().stream().allMatch(PlayerOutcome::isLoaded);
  }

  /** How a load ended, as a whole. */
  public enum Status {
    /** Every requested player was loaded. */
    COMPLETE,
    /** Some players failed, none of them cancelled. */
    PARTIAL,
    /** The load was cancelled (by the caller or by closing the loader) before every player had an outcome. */
    CANCELLED
  }

  /** How this load ended: complete, partial, or cancelled when any player failed as cancelled. */
  public Status status() {
    if (isComplete()) {
      return Status.COMPLETE;
    }
    boolean cancelled = outcomes.values().stream()
        .anyMatch(o -> o instanceof PlayerOutcome.Failed failed && failed.cause().kind() == FailureKind.CANCELLED);
    return cancelled ? Status.CANCELLED : Status.PARTIAL;
  }

  /**
   * This result when every player was loaded.
   *
   * @throws IncompleteLoadException naming the failed players otherwise
   */
  public LoadResult orThrow() {
    if (!isComplete()) {
      throw new IncompleteLoadException(this);
    }
    return this;
  }

  /** What ran, for how long, and what it cost. */
  public LoadReport report() {
    return report;
  }

  @Override
  public String toString() {
    long failed = outcomes.values().stream().filter(o -> !o.isLoaded()).count();
    return "LoadResult{players=" + outcomes.size() + ", failed=" + failed + ", report=" + report.summary() + "}";
  }
}
