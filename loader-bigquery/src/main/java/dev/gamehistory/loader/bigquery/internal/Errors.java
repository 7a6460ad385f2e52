package dev.gamehistory.loader.bigquery.internal;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import com.google.api.services.bigquery.model.ErrorProto;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import dev.gamehistory.loader.BackendException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Classifies BigQuery's errors as transient (the engine may try again after a backoff) or permanent
 * (trying again gives the same answer), keeping BigQuery's reason and message.
 *
 * <p>Transient: HTTP 408, 429, 500, 502, 503, 504; the reasons {@code backendError},
 * {@code internalError}, {@code jobBackendError}, {@code jobInternalError}, {@code rateLimitExceeded},
 * {@code jobRateLimitExceeded}, {@code timeout}; an error whose message says a rate limit was
 * exceeded, whatever its reason and status (as the official client retries it: its message contains
 * "exceed", "rate" and "limit" in that order, ignoring case); and I/O failures (reset, refused or
 * timed-out connections). Permanent: everything else, such as {@code invalidQuery}, {@code invalid},
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
  /** The official client's {@code retryOnRegEx}, matched against the lower-cased message. */
  private static final Pattern RATE_LIMIT_MESSAGE = Pattern.compile(".*exceed.*rate.*limit.*", Pattern.DOTALL);
  /**
   * Reasons of an error answer to a result read that refuse the request rather than report the
   * job's end: the job may still run.
   */
  private static final Set<String> REFUSED_READ_REASONS = Set.of(
      "notFound", "accessDenied", "invalid", "forbidden", "unauthorized", "quotaExceeded");
  /** Reasons that name the job's own failure, whatever the status of the answer that carries them. */
  private static final Set<String> JOB_REASONS = Set.of("jobBackendError", "jobInternalError");

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

  private static BackendException of(int code, String reason, String message, @Nullable Throwable cause) {
    if (TOO_LARGE_REASONS.contains(reason)) {
      return BackendException.tooLarge(reason, message, cause);
    }
    boolean transientError = TRANSIENT_REASONS.contains(reason) || TRANSIENT_CODES.contains(code)
        || saysRateLimitExceeded(message);
    return transientError
        ? BackendException.transientError(reason, message, cause)
        : BackendException.permanentError(reason, message, cause);
  }

  /** Whether {@code message} says a rate limit was exceeded, as the official client's retry settings read it. */
  public static boolean saysRateLimitExceeded(@Nullable String message) {
    return message != null && RATE_LIMIT_MESSAGE.matcher(message.toLowerCase(Locale.ROOT)).matches();
  }

  /**
   * The backend exception for the {@code errors} of a successful (HTTP 200) answer: BigQuery puts
   * warnings there (e.g. rows skipped because data in the streaming buffer was unavailable), so the
   * result may be incomplete. Keeps the first error's reason and message, retryable where that
   * reason is; a count of the others is appended.
   */
  public static BackendException classifyAnswerErrors(List<ErrorProto> errors) {
    ErrorProto first = errors.get(0);
    String reason = first.getReason() == null || first.getReason().isBlank() ? "answerError" : first.getReason();
    String message = first.getMessage() == null || first.getMessage().isBlank()
        ? "BigQuery answered with error " + reason + " and no message" : first.getMessage();
    if (errors.size() > 1) {
      message += " (and " + (errors.size() - 1) + " more error(s) in the same answer)";
    }
    return of(0, reason, message, null);
  }

  /**
   * What a failed {@code getQueryResults} says about the job, by the answer BigQuery gave:
   * <ul>
   *   <li>{@link ReadFailure#READ}: there was none (an I/O failure), or it was HTTP 408 or 429, a
   *       {@code rateLimitExceeded}, an error whose message says a rate limit was exceeded (whatever
   *       its reason and status, as the official client retries it), or a 5xx without a BigQuery
   *       error reason (a front end's page): the read failed, the job may be fine;
   *   <li>{@link ReadFailure#UNSURE}: a 5xx with a BigQuery reason that does not name the job
   *       ({@code backendError}, {@code internalError}, ...): BigQuery answers so both when the read
   *       failed and when the job failed with that error; the job's status tells which;
   *   <li>{@link ReadFailure#NOT_FOUND}: {@code notFound}, which BigQuery may answer for a moment
   *       about a job it has just created;
   *   <li>{@link ReadFailure#REFUSED}: a 4xx without a reason or with a reason that refuses the
   *       request ({@code accessDenied}, {@code invalid}, {@code quotaExceeded}, ...);
   *   <li>{@link ReadFailure#JOB}: otherwise; BigQuery answered the job's own error (e.g. 400
   *       {@code jobInternalError}, {@code invalidQuery}), which it answers on every read of a
   *       failed job.
   * </ul>
   */
  public static ReadFailure readFailure(IOException e) {
    if (!(e instanceof HttpResponseException http)) {
      return ReadFailure.READ;
    }
    int code = http.getStatusCode();
    String reason = null;
    String message = null;
    if (e instanceof GoogleJsonResponseException json && json.getDetails() != null) {
      GoogleJsonError details = json.getDetails();
      message = details.getMessage();
      if (details.getErrors() != null && !details.getErrors().isEmpty()) {
        reason = details.getErrors().get(0).getReason();
        if (message == null || message.isBlank()) {
          message = details.getErrors().get(0).getMessage();
        }
      }
    }
    if (reason != null && reason.isBlank()) {
      reason = null;
    }
    if (code == 408 || code == 429 || "rateLimitExceeded".equals(reason) || saysRateLimitExceeded(message)
        || (code >= 500 && reason == null)) {
      return ReadFailure.READ;
    }
    if (code >= 500 && !JOB_REASONS.contains(reason)) {
      return ReadFailure.UNSURE;
    }
    if ("notFound".equals(reason)) {
      return ReadFailure.NOT_FOUND;
    }
    if (reason == null || REFUSED_READ_REASONS.contains(reason)) {
      return ReadFailure.REFUSED;
    }
    return ReadFailure.JOB;
  }

  /**
   * Whether a failed {@code jobs.query} got no answer from BigQuery itself, so that the request may
   * have created a job whose id never came back: an I/O failure (a reset connection, a read that
   * broke off), or a 5xx without a BigQuery error reason (a front end's page).
   */
  public static boolean unanswered(IOException e) {
    if (!(e instanceof HttpResponseException http)) {
      return true;
    }
    if (http.getStatusCode() < 500) {
      return false;
    }
    return !(e instanceof GoogleJsonResponseException json) || json.getDetails() == null
        || json.getDetails().getErrors() == null || json.getDetails().getErrors().isEmpty()
        || json.getDetails().getErrors().get(0).getReason() == null
        || json.getDetails().getErrors().get(0).getReason().isBlank();
  }

  /** What a failed result read says about the job; see {@link #readFailure(IOException)}. */
  public enum ReadFailure {
    /** The read itself failed; the job may be fine: read again. */
    READ,
    /** A server error that may be the read's or the job's: the job's status tells. */
    UNSURE,
    /** BigQuery did not find the job; it may answer so for a moment about a job just created: read again, a few times. */
    NOT_FOUND,
    /** BigQuery refused the read; the job may still run. */
    REFUSED,
    /** BigQuery answered the job's own error: the job is over, and every read of it answers the same. */
    JOB
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
