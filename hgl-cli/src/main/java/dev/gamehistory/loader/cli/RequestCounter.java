package dev.gamehistory.loader.cli;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The HTTP requests seen by the latency proxy in front of BigQuery, for {@code hgl compare}. */
interface RequestCounter {

  /** Zeroes the counts. */
  void reset();

  /** The counts since the last reset. */
  Counts read();

  /**
   * When the proxy's asynchronous jobs created at or after {@code sinceEpochMillis} ended, in
   * epoch milliseconds; empty when the proxy models no jobs.
   */
  default List<Long> jobEnds(long sinceEpochMillis) {
    return List.of();
  }

  /**
   * HTTP requests counted by the proxy.
   *
   * @param requests all of them
   * @param byKind by method and normalised path, e.g. {@code GET /bigquery/v2/projects/test/queries/{job}}
   */
  record Counts(long requests, Map<String, Long> byKind) {

    /** Copies the map. */
    public Counts {
      byKind = Collections.unmodifiableMap(new TreeMap<>(byKind));
    }
  }
}
