package dev.gamehistory.loader.bigquery.internal;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.http.HttpTransportOptions;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Builds a {@link BigQuery} client whose own waiting stays under the load's deadline.
 *
 * <p>The client's retries are off (one attempt): the engine retries transient failures itself,
 * with backoff, within the deadline; retrying in both places would multiply attempts and could
 * outlive the deadline (the client's default is 6 attempts over 50 s). HTTP timeouts are set on
 * options derived from {@link BigQueryOptions#getDefaultHttpTransportOptions()}: a transport
 * built from scratch silently falls back to 20 s read timeouts.
 */
public final class ClientFactory {

  /** The longest HTTP connect timeout. */
  public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** The longest HTTP read timeout. */
  public static final Duration MAX_READ_TIMEOUT = Duration.ofSeconds(20);

  private ClientFactory() {}

  /**
   * A client for the settings, with HTTP timeouts no longer than {@code deadline}.
   *
   * @throws LoaderSettingsException when the credentials cannot be read or no project is known
   */
  public static BigQuery create(BigQuerySettings settings, Duration deadline) {
    BigQueryOptions.Builder builder = BigQueryOptions.newBuilder()
        .setRetrySettings(retrySettings(deadline))
        .setTransportOptions(transportOptions(deadline));
    // No location unless the settings give one: BigQuery then runs each job where its table is.
    settings.location().ifPresent(builder::setLocation);
    String project = settings.project()
        .or(() -> settings.table().map(TableRef::project))
        .orElse(null);
    if (project != null) {
      builder.setProjectId(project);
    }
    if (settings.host().isPresent()) {
      builder.setHost(settings.host().get().toString());
      builder.setCredentials(NoCredentials.getInstance());
    } else if (settings.credentials().isPresent()) {
      builder.setCredentials(credentials(settings.credentials().get()));
    }
    BigQueryOptions options;
    try {
      options = builder.build();
    } catch (IllegalArgumentException e) {
      throw new LoaderSettingsException(BigQuerySettings.PROJECT, null, BigQuerySettings.PROJECT
          + ": no project given and none found in the environment; set it, or name the table as project.dataset.table", e);
    }
    return options.getService();
  }

  /** One attempt, bounded by the deadline. */
  public static RetrySettings retrySettings(Duration deadline) {
    return RetrySettings.newBuilder()
        .setMaxAttempts(1)
        .setTotalTimeoutDuration(deadline)
        .setInitialRetryDelayDuration(Duration.ofMillis(100))
        .setMaxRetryDelayDuration(Duration.ofSeconds(1))
        .setRetryDelayMultiplier(2.0)
        .setInitialRpcTimeoutDuration(deadline)
        .setMaxRpcTimeoutDuration(deadline)
        .setRpcTimeoutMultiplier(1.0)
        .build();
  }

  /** The default HTTP transport with connect and read timeouts no longer than the deadline. */
  public static HttpTransportOptions transportOptions(Duration deadline) {
    return BigQueryOptions.getDefaultHttpTransportOptions().toBuilder()
        .setConnectTimeout(millis(min(deadline, MAX_CONNECT_TIMEOUT)))
        .setReadTimeout(millis(min(deadline, MAX_READ_TIMEOUT)))
        .build();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static int millis(Duration duration) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toMillis()));
  }

  private static GoogleCredentials credentials(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return GoogleCredentials.fromStream(in);
    } catch (IOException | RuntimeException e) {
      throw Identifiers.error(BigQuerySettings.CREDENTIALS, path.toString(),
          "must be a readable service-account JSON file (" + e.getMessage() + ")", e);
    }
  }
}
