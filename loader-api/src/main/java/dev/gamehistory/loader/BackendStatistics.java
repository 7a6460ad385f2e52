package dev.gamehistory.loader;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * What a backend knows about one query it ran; every field is absent where the backend cannot tell
 * (an in-memory backend knows no bytes; a stateless BigQuery query has no job id).
 *
 * @param jobId the backend's job id; absent when the backend ran the query without a job
 * @param queryId the backend's id of a query that ran without a job (BigQuery's short-query mode)
 * @param jobCreationReason why the backend created a job where it could have run without one
 * @param requests HTTP requests (round trips) the query made, cancels included
 * @param bytesProcessed bytes the query read
 * @param bytesBilled bytes the query was billed for
 * @param cacheHit whether the result came from a cache
 * @param slotMillis slot time the query used
 * @param queued time between creation and start of execution
 * @param executing time the backend spent executing
 * @param fetching time spent reading results
 */
public record BackendStatistics(
    Optional<String> jobId,
    Optional<String> queryId,
    Optional<String> jobCreationReason,
    OptionalLong requests,
    OptionalLong bytesProcessed,
    OptionalLong bytesBilled,
    Optional<Boolean> cacheHit,
    OptionalLong slotMillis,
    Optional<Duration> queued,
    Optional<Duration> executing,
    Optional<Duration> fetching) {

  /** Validates that no field is null. */
  public BackendStatistics {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(queryId, "queryId");
    Objects.requireNonNull(jobCreationReason, "jobCreationReason");
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(bytesProcessed, "bytesProcessed");
    Objects.requireNonNull(bytesBilled, "bytesBilled");
    Objects.requireNonNull(cacheHit, "cacheHit");
    Objects.requireNonNull(slotMillis, "slotMillis");
    Objects.requireNonNull(queued, "queued");
    Objects.requireNonNull(executing, "executing");
    Objects.requireNonNull(fetching, "fetching");
  }

  /** Statistics with nothing known. */
  public static BackendStatistics none() {
    return builder().build();
  }

  /** A builder with every field absent. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link BackendStatistics}; a field never set stays absent. */
  public static final class Builder {
    private @Nullable String jobId;
    private @Nullable String queryId;
    private @Nullable String jobCreationReason;
    private @Nullable Long requests;
    private @Nullable Long bytesProcessed;
    private @Nullable Long bytesBilled;
    private @Nullable Boolean cacheHit;
    private @Nullable Long slotMillis;
    private @Nullable Duration queued;
    private @Nullable Duration executing;
    private @Nullable Duration fetching;

    private Builder() {}

    /** The backend's job id; {@code null} for none. */
    public Builder jobId(@Nullable String jobId) {
      this.jobId = jobId;
      return this;
    }

    /** The id of a query run without a job; {@code null} for none. */
    public Builder queryId(@Nullable String queryId) {
      this.queryId = queryId;
      return this;
    }

    /** Why a job was created; {@code null} for unknown or none. */
    public Builder jobCreationReason(@Nullable String reason) {
      this.jobCreationReason = reason;
      return this;
    }

    /** HTTP requests the query made; {@code null} for unknown. */
    public Builder requests(@Nullable Long requests) {
      this.requests = requests;
      return this;
    }

    /** Bytes read; {@code null} for unknown. */
    public Builder bytesProcessed(@Nullable Long bytes) {
      this.bytesProcessed = bytes;
      return this;
    }

    /** Bytes billed; {@code null} for unknown. */
    public Builder bytesBilled(@Nullable Long bytes) {
      this.bytesBilled = bytes;
      return this;
    }

    /** Whether the cache answered; {@code null} for unknown. */
    public Builder cacheHit(@Nullable Boolean cacheHit) {
      this.cacheHit = cacheHit;
      return this;
    }

    /** Slot milliseconds; {@code null} for unknown. */
    public Builder slotMillis(@Nullable Long slotMillis) {
      this.slotMillis = slotMillis;
      return this;
    }

    /** Time queued; {@code null} for unknown. */
    public Builder queued(@Nullable Duration queued) {
      this.queued = queued;
      return this;
    }

    /** Time executing; {@code null} for unknown. */
    public Builder executing(@Nullable Duration executing) {
      this.executing = executing;
      return this;
    }

    /** Time reading results; {@code null} for unknown. */
    public Builder fetching(@Nullable Duration fetching) {
      this.fetching = fetching;
      return this;
    }

    /** The statistics. */
    public BackendStatistics build() {
      return new BackendStatistics(
          Optional.ofNullable(jobId),
          Optional.ofNullable(queryId),
          Optional.ofNullable(jobCreationReason),
          requests == null ? OptionalLong.empty() : OptionalLong.of(requests),
          bytesProcessed == null ? OptionalLong.empty() : OptionalLong.of(bytesProcessed),
          bytesBilled == null ? OptionalLong.empty() : OptionalLong.of(bytesBilled),
          Optional.ofNullable(cacheHit),
          slotMillis == null ? OptionalLong.empty() : OptionalLong.of(slotMillis),
          Optional.ofNullable(queued),
          Optional.ofNullable(executing),
          Optional.ofNullable(fetching));
    }
  }
}
