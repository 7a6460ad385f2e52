package dev.gamehistory.loader.spi;

import dev.gamehistory.loader.BackendStatistics;
import java.time.LocalDate;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a query over several game dates returned: each date's {@link QueryResult} (its players'
 * games and failures, its rows), and what the backend knows of the query as a whole. Every date of
 * the query must be present; a date that was not asked for must not be.
 *
 * @param dates each date's result
 * @param statistics what the backend knows about the whole query (bytes, job); the dates' own
 *     results carry none
 */
public record DatesResult(Map<LocalDate, QueryResult> dates, Optional<BackendStatistics> statistics) {

  /** Copies the dates and checks the fields. */
  public DatesResult {
    Objects.requireNonNull(statistics, "statistics");
    Map<LocalDate, QueryResult> copy = new TreeMap<>();
    dates.forEach((date, result) -> copy.put(Objects.requireNonNull(date, "dates: a date is null"),
        Objects.requireNonNull(result, () -> "dates: the result of " + date + " is null")));
    dates = Collections.unmodifiableMap(copy);
  }

  /** Rows read from the backend, over every date. */
  public long rows() {
    return dates.values().stream().mapToLong(QueryResult::rows).sum();
  }
}
