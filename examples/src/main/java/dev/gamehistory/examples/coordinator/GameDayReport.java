package dev.gamehistory.examples.coordinator;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.LoadReport;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link GameDayCoordinator#prepare(LocalDate)} did.
 *
 * @param gameDate the game day
 * @param slate the slate's players, in slate order, duplicates removed
 * @param delivered players sent with their history
 * @param retried players that failed the first load and were loaded again alone
 * @param missing players sent with {@code historyMissing}, with the failure kind of the retry
 * @param firstLoad the report of the load of the whole slate; absent for an empty slate
 * @param retryLoad the report of the retry load; absent when nothing failed
 */
public record GameDayReport(
    LocalDate gameDate,
    List<String> slate,
    int delivered,
    List<String> retried,
    Map<String, FailureKind> missing,
    Optional<LoadReport> firstLoad,
    Optional<LoadReport> retryLoad) {

  /** Copies the collections and checks that no field is null. */
  public GameDayReport {
    Objects.requireNonNull(gameDate, "gameDate");
    slate = List.copyOf(slate);
    retried = List.copyOf(retried);
    missing = Collections.unmodifiableMap(new LinkedHashMap<>(missing));
    Objects.requireNonNull(firstLoad, "firstLoad");
    Objects.requireNonNull(retryLoad, "retryLoad");
  }

  /** The players the retry loaded: retried and no longer missing. */
  public List<String> recovered() {
    return retried.stream().filter(player -> !missing.containsKey(player)).toList();
  }

  /** Whether every player of the slate was sent with its history. */
  public boolean isComplete() {
    return missing.isEmpty();
  }

  /** Queries over both loads. */
  public int queryCount() {
    return firstLoad.map(LoadReport::queryCount).orElse(0) + retryLoad.map(LoadReport::queryCount).orElse(0);
  }
}
