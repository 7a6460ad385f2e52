package dev.gamehistory.loader.bigquery.internal;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import dev.gamehistory.loader.BackendException;
import java.io.IOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Classifies BigQuery's errors as transient (the engine may try again after a backoff) or permanent
 * (trying again gives the same answer), keeping BigQuery's reason and message.
 *
 * <p>Transient: HTTP 408, 429, 500, 502, 503, 504; the reasons {@code backendError},
 * {@code internalError}, {@code jobBackendError}, {@code jobInternalError}, {@code rateLimitExceeded},
 * {@code jobRateLimitExceeded}, {@code timeout}; and I/O failures (reset, refused or timed-out
 * connections). Permanent: everything else, such as {@code invalidQuery}, {@code invalid},
 * {@code notFound}, {@code accessDenied}, {@code billingTierLimitExceeded},
 * {@code bytesBilledLimitExceeded}, {@code quotaExceeded}. Too large, permanent but splittable (a
 * query for fewer players may pass, see {@link BackendException#tooLarge}): {@code resourcesExceeded},
 * {@code responseTooLarge}.
 */
public final class Errors {

  /** The reason given to an I/O failure that BigQuery never answered. */
  public static final String IO_ERROR = "ioError";

  private static final Set<String> TRANSIENT_REASONS = Set.of(
      "backendError", "internalError", "jobBackendError", "jobInternalError", "rateLimitExceeded",
      "jobRateLimitExceeded", "timeout");
  private static final Set<String> TOO_LARGE_REASONS = Set.of("resourcesExceeded", "responseTooLarge");
  private static final Set<Integer> TRANSIENT_CODES = Set.of(408, 429, 500, 502, 503, 504);

  private Errors() {}

  /** The backend exception for a client exception. */
  public static BackendException classify(BigQueryException e) {
    String reason = e.getReason();
    IOException io = ioCause(e);
    if (reason == null && e.getError() != null) {
      reason = e.getError().getReason();
    }
    String message = message(e);
    if (reason == null) {
      if (io != null && e.getCode() == 0) {
        return BackendException.transientError(IO_ERROR, describe(io), e);
      }
      reason = "http" + e.getCode();
    }
    return of(e.getCode(), reason, message, e);
  }

  /** The backend exception for a failed REST call: an HTTP error answer, or an I/O failure without one. */
  public static BackendException classify(IOException e) {
    if (e instanceof GoogleJsonResponseException http) {
      GoogleJsonError details = http.getDetails();
      String reason = null;
      String message = null;
      if (details != null) {
        message = details.getMessage();
        if (details.getErrors() != null && !details.getErrors().isEmpty()) {
          reason = details.getErrors().get(0).getReason();
          if (message == null || message.isBlank()) {
            message = details.getErrors().get(0).getMessage();
          }
        }
      }
      if (message == null || message.isBlank()) {
        message = "BigQuery answered HTTP " + http.getStatusCode() + " without a message";
      }
      return of(http.getStatusCode(), reason == null ? "http" + http.getStatusCode() : reason, message, e);
    }
    if (e instanceof HttpResponseException http) {
      return of(http.getStatusCode(), "http" + http.getStatusCode(),
          "BigQuery answered HTTP " + http.getStatusCode() + ": " + http.getStatusMessage(), e);
    }
    return BackendException.transientError(IO_ERROR, describe(e), e);
  }

  private static BackendException of(int code, String reason, String message, Throwable cause) {
    if (TOO_LARGE_REASONS.contains(reason)) {
      return BackendException.tooLarge(reason, message, cause);
    }
    boolean transientError = TRANSIENT_REASONS.contains(reason) || TRANSIENT_CODES.contains(code);
    return transientError
        ? BackendException.transientError(reason, message, cause)
        : BackendException.permanentError(reason, message, cause);
  }

  /** The backend exception for a job that ended with {@code error}. */
  public static BackendException classify(BigQueryError error, @Nullable Throwable cause) {
    String reason = error.getReason() == null ? "jobError" : error.getReason();
    return of(0, reason, error.getMessage() == null ? reason : error.getMessage(), cause);
  }

  private static String message(BigQueryException e) {
    if (e.getError() != null && e.getError().getMessage() != null && !e.getError().getMessage().isBlank()) {
      return e.getError().getMessage();
    }
    if (e.getMessage() != null && !e.getMessage().isBlank()) {
      return e.getMessage();
    }
    return "BigQuery answered HTTP " + e.getCode() + " without a message";
  }

  private static String describe(IOException io) {
    String detail = io.getMessage();
    return io.getClass().getSimpleName() + (detail == null ? "" : ": " + detail);
  }

  private static @Nullable IOException ioCause(Throwable e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IOException io) {
        return io;
      }
    }
    return null;
  }
}
