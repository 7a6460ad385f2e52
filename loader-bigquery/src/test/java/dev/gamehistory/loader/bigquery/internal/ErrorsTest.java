package dev.gamehistory.loader.bigquery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.bigquery.model.ErrorProto;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import dev.gamehistory.loader.BackendException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorsTest {

  @ParameterizedTest(name = "HTTP {0} {1} -> retryable {2}")
  @CsvSource({
      "500, backendError, true",
      "503, backendError, true",
      "500, internalError, true",
      "400, jobInternalError, true",
      "403, rateLimitExceeded, true",
      "403, jobRateLimitExceeded, true",
      "400, invalidQuery, false",
      "400, invalid, false",
      "404, notFound, false",
      "403, accessDenied, false",
      "400, billingTierLimitExceeded, false",
      "400, bytesBilledLimitExceeded, false",
      "403, quotaExceeded, false",
      "403, responseTooLarge, false",
      "502, somethingNew, true",
  })
  void classify_reason_retryableOnlyWhenTransient(int code, String reason, boolean retryable) {
    BigQueryException e = new BigQueryException(code, "the message", new BigQueryError(reason, "", "the message"));

    BackendException classified = Errors.classify(e);

    assertThat(classified.reason()).isEqualTo(reason);
    assertThat(classified.isRetryable()).isEqualTo(retryable);
    assertThat(classified).hasMessage("the message").hasCause(e);
  }

  @Test
  void classify_httpErrorWithoutReason_namedByStatus() {
    BackendException retryable = Errors.classify(new BigQueryException(503, "Service Unavailable"));
    BackendException permanent = Errors.classify(new BigQueryException(401, "Unauthorized"));

    assertThat(retryable.reason()).isEqualTo("http503");
    assertThat(retryable.isRetryable()).isTrue();
    assertThat(permanent.reason()).isEqualTo("http401");
    assertThat(permanent.isRetryable()).isFalse();
    assertThat(permanent).hasMessage("Unauthorized");
  }

  @Test
  void classify_ioFailure_transient() {
    BigQueryException e = new BigQueryException(new SocketTimeoutException("Read timed out"));

    BackendException classified = Errors.classify(e);

    assertThat(classified.reason()).isEqualTo("ioError");
    assertThat(classified.isRetryable()).isTrue();
    assertThat(classified).hasMessage("SocketTimeoutException: Read timed out");
  }

  @ParameterizedTest(name = "{0}: {1} -> retryable")
  @CsvSource(delimiter = '|', value = {
      "400|invalid|Exceeded rate limits: too many table update operations for this table.",
      "403|quotaExceeded|Job exceeded rate limits: Your project_and_region exceeded quota for concurrent queries.",
      "400|invalidQuery|Your query exceeded the RATE LIMIT of something",
  })
  void classify_messageSaysARateLimitWasExceeded_retryableWhateverTheReason(int code, String reason, String message) {
    BackendException classified = Errors.classify(new BigQueryException(code, message,
        new BigQueryError(reason, "", message)));

    assertThat(classified.reason()).isEqualTo(reason);
    assertThat(classified.isRetryable()).isTrue();
    assertThat(classified).hasMessage(message);
  }

  @Test
  void saysRateLimitExceeded_asTheOfficialClientsPattern() {
    assertThat(Errors.saysRateLimitExceeded("Exceeded rate limits: too many api requests per user")).isTrue();
    assertThat(Errors.saysRateLimitExceeded("exceeded the\nrate limit")).isTrue();
    assertThat(Errors.saysRateLimitExceeded("Rate limit exceeded")).isFalse();
    assertThat(Errors.saysRateLimitExceeded("Quota exceeded: bytes scanned")).isFalse();
    assertThat(Errors.saysRateLimitExceeded(null)).isFalse();
  }

  @Test
  void classifyAnswerErrors_firstErrorsReasonAndMessage() {
    BackendException one = Errors.classifyAnswerErrors(List.of(
        new ErrorProto().setReason("backendError").setMessage("rows skipped")));
    BackendException three = Errors.classifyAnswerErrors(List.of(
        new ErrorProto().setReason("invalid").setMessage("rows skipped"), new ErrorProto(), new ErrorProto()));

    assertThat(one.reason()).isEqualTo("backendError");
    assertThat(one).hasMessage("rows skipped");
    assertThat(one.isRetryable()).isTrue();
    assertThat(three.reason()).isEqualTo("invalid");
    assertThat(three).hasMessage("rows skipped (and 2 more error(s) in the same answer)");
    assertThat(three.isRetryable()).isFalse();
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
  @CsvSource({
      "0, , READ",
      "429, , READ",
      "408, , READ",
      "403, rateLimitExceeded, READ",
      "503, , READ",
      "502, , READ",
      "503, backendError, UNSURE",
      "500, internalError, UNSURE",
      "500, jobBackendError, JOB",
      "400, jobInternalError, JOB",
      "400, bytesBilledLimitExceeded, JOB",
      "400, invalidQuery, JOB",
      "403, jobRateLimitExceeded, JOB",
      "400, stopped, JOB",
      "404, notFound, NOT_FOUND",
      "403, accessDenied, REFUSED",
      "403, quotaExceeded, REFUSED",
      "400, invalid, REFUSED",
      "400, , REFUSED",
      "401, , REFUSED",
  })
  void readFailure_byTheAnswer(int code, String reason, Errors.ReadFailure expected) {
    assertThat(Errors.readFailure(answer(code, reason, "the message"))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
      "403, quotaExceeded",
      "400, invalid",
      "400, jobRateLimitExceeded",
      "404, notFound",
  })
  void readFailure_messageSaysARateLimitWasExceeded_isTheReadsWhateverTheReason(int code, String reason) {
    String message = "Exceeded rate limits: too many api requests per user per method for this user_method.";

    assertThat(Errors.readFailure(answer(code, reason, message))).isEqualTo(Errors.ReadFailure.READ);
  }

  @ParameterizedTest
  @CsvSource({
      "0, , true",
      "502, , true",
      "503, , true",
      "503, backendError, false",
      "500, internalError, false",
      "429, , false",
      "400, invalidQuery, false",
      "404, notFound, false",
  })
  void unanswered_byTheAnswer(int code, String reason, boolean expected) {
    assertThat(Errors.unanswered(answer(code, reason, "the message"))).isEqualTo(expected);
  }

  /** An I/O failure ({@code code == 0}) or BigQuery's error answer with {@code reason} (none when {@code null}). */
  private static IOException answer(int code, String reason, String message) {
    if (code == 0) {
      return new java.net.SocketException("Connection reset");
    }
    com.google.api.client.googleapis.json.GoogleJsonError details = new com.google.api.client.googleapis.json.GoogleJsonError();
    details.setCode(code);
    details.setMessage(message);
    if (reason != null) {
      com.google.api.client.googleapis.json.GoogleJsonError.ErrorInfo info =
          new com.google.api.client.googleapis.json.GoogleJsonError.ErrorInfo();
      info.setReason(reason);
      info.setMessage(message);
      details.setErrors(List.of(info));
    }
    return new com.google.api.client.googleapis.json.GoogleJsonResponseException(
        new com.google.api.client.http.HttpResponseException.Builder(code, "status", new com.google.api.client.http.HttpHeaders()),
        details);
  }

  @Test
  void classify_jobError_keepsReasonAndMessage() {
    BackendException permanent = Errors.classify(new BigQueryError("invalidQuery", "query", "Syntax error"), null);
    BackendException transientError = Errors.classify(new BigQueryError("backendError", "", "Retry"), null);

    assertThat(permanent.reason()).isEqualTo("invalidQuery");
    assertThat(permanent).hasMessage("Syntax error");
    assertThat(permanent.isRetryable()).isFalse();
    assertThat(transientError.isRetryable()).isTrue();
  }
}
