package dev.gamehistory.loader.bigquery;

/**
 * Whether {@code jobs.query} must create a job ({@code bigquery.job-creation},
 * {@link BigQueryGamesQuery.Builder#jobCreation}).
 *
 * <p>{@link #OPTIONAL} is BigQuery's short-query mode: a query that finishes within the first wait
 * runs without a job, which saves BigQuery's job bookkeeping (lower latency) but leaves nothing to
 * cancel until a job id comes back, and its statistics carry a query id instead of a job id, with
 * fewer figures. BigQuery still creates a job when the query runs long or its result is large, and
 * says why ({@code jobCreationReason} in the statistics).
 */
public enum JobCreation {
  /** Always a job: its id comes back with the first answer, so the query can be cancelled. The default. */
  REQUIRED("JOB_CREATION_REQUIRED"),
  /** No job unless BigQuery needs one: BigQuery's {@code JOB_CREATION_OPTIONAL}. */
  OPTIONAL("JOB_CREATION_OPTIONAL");

  private final String apiValue;

  JobCreation(String apiValue) {
    this.apiValue = apiValue;
  }

  /** The value of {@code jobCreationMode} in the request. */
  public String apiValue() {
    return apiValue;
  }
}
