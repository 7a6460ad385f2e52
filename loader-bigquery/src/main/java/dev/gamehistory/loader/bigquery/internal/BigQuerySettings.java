package dev.gamehistory.loader.bigquery.internal;

import dev.gamehistory.loader.bigquery.JobCreation;
import dev.gamehistory.loader.internal.settings.DurationParser;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.RetryPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The backend's settings, parsed and validated from the {@code bigquery.*} keys of
 * {@link dev.gamehistory.loader.settings.LoaderSettings#backendProperties()}.
 *
 * @param project the project jobs run in ({@code bigquery.project}); absent: the table's, else the environment's
 * @param table the table ({@code bigquery.table}); absent when not set
 * @param location the jobs' location ({@code bigquery.location}); absent: the client's, else none
 *     (BigQuery runs each job where its table is)
 * @param host an emulator or proxy URL ({@code bigquery.host}); then no credentials are sent
 * @param maximumBytesBilled the most bytes one query may bill ({@code bigquery.maximum-bytes-billed})
 * @param labels labels put on every job ({@code bigquery.labels})
 * @param credentials a service-account JSON file ({@code bigquery.credentials}); absent: Application Default Credentials
 * @param columns column names by field ({@code bigquery.columns.<field>}); unmapped fields keep their names
 * @param waitSlice the longest server-side wait of one request ({@code bigquery.wait-slice}, default 5 s)
 * @param firstWait the longest server-side wait of a query's first request ({@code bigquery.first-wait},
 *     default 900 ms)
 * @param jobCreation whether {@code jobs.query} must create a job ({@code bigquery.job-creation}, default required)
 * @param readAttempts tries of a read after a transient failure, and of a {@code jobs.query} that got no
 *     answer ({@code bigquery.read-attempts}, default 4)
 */
public record BigQuerySettings(
    Optional<String> project,
    Optional<TableRef> table,
    Optional<String> location,
    Optional<URI> host,
    OptionalLong maximumBytesBilled,
    Map<String, String> labels,
    Optional<Path> credentials,
    Map<Column, String> columns,
    Duration waitSlice,
    Duration firstWait,
    JobCreation jobCreation,
    int readAttempts) {

  /** The prefix of every key this backend reads. */
  public static final String PREFIX = "bigquery.";
  /** {@code bigquery.project}. */
  public static final String PROJECT = "bigquery.project";
  /** {@code bigquery.table}. */
  public static final String TABLE = "bigquery.table";
  /** {@code bigquery.location}. */
  public static final String LOCATION = "bigquery.location";
  /** {@code bigquery.host}. */
  public static final String HOST = "bigquery.host";
  /** {@code bigquery.maximum-bytes-billed}. */
  public static final String MAXIMUM_BYTES_BILLED = "bigquery.maximum-bytes-billed";
  /** {@code bigquery.labels}. */
  public static final String LABELS = "bigquery.labels";
  /** {@code bigquery.credentials}. */
  public static final String CREDENTIALS = "bigquery.credentials";
  /** The prefix of the column mapping keys, {@code bigquery.columns.}. */
  public static final String COLUMNS = "bigquery.columns.";
  /** {@code bigquery.wait-slice}. */
  public static final String WAIT_SLICE = "bigquery.wait-slice";
  /** {@code bigquery.first-wait}. */
  public static final String FIRST_WAIT = "bigquery.first-wait";
  /** {@code bigquery.job-creation}. */
  public static final String JOB_CREATION = "bigquery.job-creation";
  /** {@code bigquery.read-attempts}. */
  public static final String READ_ATTEMPTS = "bigquery.read-attempts";
  /** The default {@code bigquery.wait-slice}. */
  public static final Duration DEFAULT_WAIT_SLICE = Duration.ofSeconds(5);
  /**
   * The default {@code bigquery.first-wait}: a query that finishes within it (BigQuery answered 118
   * players in 0.68 s in production) costs one request, and a longer one has its job id, so that
   * it can be cancelled, before its first second is out.
   */
  public static final Duration DEFAULT_FIRST_WAIT = Duration.ofMillis(900);
  /** The longest {@code bigquery.wait-slice}. */
  public static final Duration MAX_WAIT_SLICE = Duration.ofSeconds(60);
  /** The default {@code bigquery.read-attempts}. */
  public static final int DEFAULT_READ_ATTEMPTS = 4;
  /** The most labels a job may carry. */
  public static final int MAX_LABELS = 64;

  private static final List<String> KEYS =
      List.of(PROJECT, TABLE, LOCATION, HOST, MAXIMUM_BYTES_BILLED, LABELS, CREDENTIALS, WAIT_SLICE, FIRST_WAIT,
          JOB_CREATION, READ_ATTEMPTS);

  /** Copies the maps and checks that no field is null. */
  public BigQuerySettings {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(maximumBytesBilled, "maximumBytesBilled");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(waitSlice, "waitSlice");
    Objects.requireNonNull(firstWait, "firstWait");
    Objects.requireNonNull(jobCreation, "jobCreation");
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    EnumMap<Column, String> copy = new EnumMap<>(Column.class);
    copy.putAll(columns);
    columns = Collections.unmodifiableMap(copy);
  }

  /**
   * Parses the {@code bigquery.*} keys; other keys are ignored.
   *
   * @throws LoaderSettingsException naming the key and the value for an unknown key or a bad value
   */
  public static BigQuerySettings parse(Map<String, String> properties) {
    Optional<String> project = Optional.empty();
    Optional<TableRef> table = Optional.empty();
    Optional<String> location = Optional.empty();
    Optional<URI> host = Optional.empty();
    OptionalLong maximumBytesBilled = OptionalLong.empty();
    Map<String, String> labels = Map.of();
    Optional<Path> credentials = Optional.empty();
    Map<Column, String> columns = new EnumMap<>(Column.class);
    Duration waitSlice = DEFAULT_WAIT_SLICE;
    Duration firstWait = DEFAULT_FIRST_WAIT;
    JobCreation jobCreation = JobCreation.REQUIRED;
    int readAttempts = DEFAULT_READ_ATTEMPTS;
    for (Map.Entry<String, String> entry : new java.util.TreeMap<>(properties).entrySet()) {
      String key = entry.getKey();
      String value = entry.getValue();
      if (!key.startsWith(PREFIX)) {
        continue;
      }
      switch (key) {
        case PROJECT -> project = Optional.of(Identifiers.project(key, value));
        case TABLE -> table = Optional.of(TableRef.parse(key, value));
        case LOCATION -> location = Optional.of(Identifiers.location(key, value));
        case HOST -> host = Optional.of(host(key, value));
        case MAXIMUM_BYTES_BILLED -> maximumBytesBilled = OptionalLong.of(positiveLong(key, value));
        case LABELS -> labels = labels(key, value);
        case CREDENTIALS -> credentials = Optional.of(credentials(key, value));
        case WAIT_SLICE -> waitSlice = waitSlice(key, value);
        case FIRST_WAIT -> firstWait = waitSlice(key, value);
        case JOB_CREATION -> jobCreation = jobCreation(key, value);
        case READ_ATTEMPTS -> readAttempts = readAttempts(key, value);
        default -> {
          if (key.startsWith(COLUMNS)) {
            columns.put(column(key, value), Identifiers.column(key, value));
          } else {
            throw Identifiers.error(key, value, "unknown BigQuery setting; known: " + String.join(", ", KEYS)
                + ", " + COLUMNS + "<field> for fields " + Column.fieldNames());
          }
        }
      }
    }
    return new BigQuerySettings(project, table, location, host, maximumBytesBilled, labels, credentials, columns,
        waitSlice, firstWait, jobCreation, readAttempts);
  }

  /** Parses a wait slice or a first wait: a duration from 1 ms to {@link #MAX_WAIT_SLICE}. */
  public static Duration waitSlice(String key, String value) {
    Duration parsed;
    try {
      parsed = DurationParser.parse(value);
    } catch (IllegalArgumentException e) {
      throw Identifiers.error(key, value, "must be a duration from 1ms to 60s; " + DurationParser.FORMS, e);
    }
    checkWaitSlice(key, value, parsed);
    return parsed;
  }

  /** Checks that a wait slice or a first wait lies in 1 ms..{@link #MAX_WAIT_SLICE}. */
  public static void checkWaitSlice(String key, String value, Duration slice) {
    if (slice.compareTo(Duration.ofMillis(1)) < 0 || slice.compareTo(MAX_WAIT_SLICE) > 0) {
      throw Identifiers.error(key, value, "must be a duration from 1ms to 60s");
    }
  }

  private static JobCreation jobCreation(String key, String value) {
    for (JobCreation mode : JobCreation.values()) {
      if (mode.name().toLowerCase(java.util.Locale.ROOT).equals(value.strip())) {
        return mode;
      }
    }
    throw Identifiers.error(key, value, "must be required or optional");
  }

  /** Parses tries of a read: 1..{@link RetryPolicy#MAX_ATTEMPTS}. */
  public static int readAttempts(String key, String value) {
    int parsed;
    try {
      parsed = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw Identifiers.error(key, value, "must be a whole number from 1 to " + RetryPolicy.MAX_ATTEMPTS, e);
    }
    if (parsed < 1 || parsed > RetryPolicy.MAX_ATTEMPTS) {
      throw Identifiers.error(key, value, "must be a whole number from 1 to " + RetryPolicy.MAX_ATTEMPTS);
    }
    return parsed;
  }

  /** The column name of a field: mapped, or the field's own name. */
  public String column(Column column) {
    return columns.getOrDefault(column, column.field());
  }

  /** The column a {@code bigquery.columns.<field>} key names. */
  public static Column column(String key, String value) {
    String field = key.substring(COLUMNS.length());
    try {
      return Column.ofField(field);
    } catch (IllegalArgumentException e) {
      throw Identifiers.error(key, value, "unknown field '" + field + "'; known fields: " + Column.fieldNames(), e);
    }
  }

  /** Parses an emulator or proxy URL: http or https, with a host, nothing after the port. */
  public static URI host(String key, String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw hostError(key, value, e);
    }
    boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
    boolean bare = uri.getRawPath() == null || uri.getRawPath().isEmpty() || "/".equals(uri.getRawPath());
    if (!web || uri.getHost() == null || !bare || uri.getRawQuery() != null || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw hostError(key, value, null);
    }
    return uri;
  }

  private static LoaderSettingsException hostError(String key, String value, @Nullable Exception cause) {
    String problem = "must be an http(s) URL with a host and nothing after the port, such as http://127.0.0.1:9050";
    return cause == null ? Identifiers.error(key, value, problem) : Identifiers.error(key, value, problem, cause);
  }

  private static long positiveLong(String key, String value) {
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw Identifiers.error(key, value, "must be a positive whole number of bytes", e);
    }
    if (parsed <= 0) {
      throw Identifiers.error(key, value, "must be a positive whole number of bytes");
    }
    return parsed;
  }

  /** Parses {@code k=v,k2=v2} by BigQuery's label rules; an empty value is allowed, an empty key is not. */
  public static Map<String, String> labels(String key, String value) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (value.isBlank()) {
      return labels;
    }
    for (String pair : value.split(",", -1)) {
      int equals = pair.indexOf('=');
      if (equals < 0) {
        throw Identifiers.error(key, value, "must be key=value pairs separated by commas, but '" + pair.strip()
            + "' has no '='");
      }
      String labelKey = Identifiers.labelKey(key, value, pair.substring(0, equals).strip());
      String labelValue = Identifiers.labelValue(key, value, labelKey, pair.substring(equals + 1).strip());
      if (labels.put(labelKey, labelValue) != null) {
        throw Identifiers.error(key, value, "label '" + labelKey + "' is given twice");
      }
    }
    if (labels.size() > MAX_LABELS) {
      throw Identifiers.error(key, value, "at most " + MAX_LABELS + " labels are allowed, not " + labels.size());
    }
    return labels;
  }

  private static Path credentials(String key, String value) {
    Path path;
    try {
      path = Path.of(value);
    } catch (InvalidPathException e) {
      throw Identifiers.error(key, value, "must be the path of a service-account JSON file", e);
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw Identifiers.error(key, value, "must be the path of a readable service-account JSON file");
    }
    return path;
  }
}
