package dev.gamehistory.loader.bigquery.internal;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.LoadCancelledException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Who played on each date, by one query of the table ({@link GamesSql#playedSql()}) through the
 * official client: the slates of a backfill over the dates that were played. Not on a load's path:
 * it runs once, before a backfill, bounded by its job timeout.
 */
final class PlayedDates {

  private PlayedDates() {}

  static SortedMap<LocalDate, List<String>> list(BigQuery client, GamesSql statement, @Nullable String location,
      Map<String, String> labels, OptionalLong maximumBytesBilled, LocalDate from, LocalDate to, Duration timeout) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("to (" + to + ") must not be before from (" + from + ")");
    }
    QueryJobConfiguration.Builder configuration = QueryJobConfiguration.newBuilder(statement.playedSql())
        .setUseLegacySql(false)
        .addNamedParameter("from", QueryParameterValue.date(from.toString()))
        .addNamedParameter("to", QueryParameterValue.date(to.toString()))
        .setJobTimeoutMs(Math.max(1, timeout.toMillis()));
    if (!labels.isEmpty()) {
      configuration.setLabels(labels);
    }
    maximumBytesBilled.ifPresent(configuration::setMaximumBytesBilled);
    JobId.Builder job = JobId.newBuilder().setRandomJob();
    if (location != null) {
      job.setLocation(location);
    }
    SortedMap<LocalDate, SortedSet<String>> players = new TreeMap<>();
    try {
      // The pages are read inside: a failure reading one is BigQuery's too.
      for (FieldValueList row : client.query(configuration.build(), job.build()).iterateAll()) {
        LocalDate date = LocalDate.parse(row.get(0).getStringValue());
        players.computeIfAbsent(date, d -> new TreeSet<>()).add(row.get(1).getStringValue());
      }
    } catch (BigQueryException e) {
      // The backend's classification (reason, retryable), with what was being done.
      BackendException failure = Errors.classify(e);
      String message = "listing who played failed: " + failure.getMessage();
      throw failure.isRetryable() ? BackendException.transientError(failure.reason(), message, e)
          : BackendException.permanentError(failure.reason(), message, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LoadCancelledException.of("interrupted while listing who played");
    }
    SortedMap<LocalDate, List<String>> slates = new TreeMap<>();
    players.forEach((date, names) -> slates.put(date, List.copyOf(names)));
    return Collections.unmodifiableSortedMap(slates);
  }
}
