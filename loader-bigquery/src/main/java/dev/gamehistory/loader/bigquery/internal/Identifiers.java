package dev.gamehistory.loader.bigquery.internal;

import dev.gamehistory.loader.settings.LoaderSettingsException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * BigQuery's naming rules for projects, datasets, tables, columns, locations and labels. An
 * identifier that passes is safe to put between backquotes: no pattern admits a backquote, a
 * backslash, a quote or a line break. Errors read {@code <key>: <problem>; got '<value>'}, like every
 * other settings error.
 */
public final class Identifiers {

  // Project ids: lowercase letters, digits and hyphens, starting with a letter, at most 30
  // characters, optionally scoped by a domain ("example.com:my-project"). The emulator's "test" is
  // shorter than the 6 characters Google requires of new projects, so no minimum is imposed.
  private static final Pattern PROJECT =
      Pattern.compile("(?:[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?:)?[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?");
  private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9_]{1,1024}");
  private static final Pattern TABLE = Pattern.compile("[\\p{L}\\p{M}\\p{N}\\p{Pc}\\p{Pd}]([\\p{L}\\p{M}\\p{N}\\p{Pc}\\p{Pd} ]*[\\p{L}\\p{M}\\p{N}\\p{Pc}\\p{Pd}])?");
  private static final int TABLE_MAX_BYTES = 1024;
  private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,299}");
  private static final List<String> RESERVED_COLUMN_PREFIXES =
      List.of("_TABLE_", "_FILE_", "_PARTITION", "_ROW_TIMESTAMP", "__ROOT__", "_COLIDENTIFIER");
  private static final Pattern LOCATION = Pattern.compile("[A-Za-z]+(?:-[A-Za-z]+[0-9]*)*");
  private static final Pattern LABEL_KEY = Pattern.compile("[\\p{Ll}\\p{Lo}][\\p{Ll}\\p{Lo}\\p{N}_-]{0,62}");
  private static final Pattern LABEL_VALUE = Pattern.compile("[\\p{Ll}\\p{Lo}\\p{N}_-]{0,63}");
  private static final Pattern JOB_ID_UNSAFE = Pattern.compile("[^A-Za-z0-9_-]");

  private Identifiers() {}

  /** Validates a project id given as the whole value of {@code key}. */
  public static String project(String key, String value) {
    return project(key, value, value);
  }

  /** Validates {@code project}, part of the value of {@code key}. */
  public static String project(String key, String value, String project) {
    if (!PROJECT.matcher(project).matches()) {
      throw error(key, value, part(project, value, "project")
          + "must be a BigQuery project id (lowercase letters, digits and hyphens, starting with a letter,"
          + " at most 30 characters)");
    }
    return project;
  }

  /** Validates {@code dataset}, part of the value of {@code key}. */
  public static String dataset(String key, String value, String dataset) {
    if (!DATASET.matcher(dataset).matches()) {
      throw error(key, value, part(dataset, value, "dataset")
          + "must be a BigQuery dataset id (letters, digits and underscores, at most 1024 characters)");
    }
    return dataset;
  }

  /** Validates {@code table}, part of the value of {@code key}. */
  public static String table(String key, String value, String table) {
    if (!TABLE.matcher(table).matches() || table.getBytes(StandardCharsets.UTF_8).length > TABLE_MAX_BYTES) {
      throw error(key, value, part(table, value, "table")
          + "must be a BigQuery table id (letters, marks, digits, underscores, dashes and inner spaces,"
          + " at most 1024 bytes)");
    }
    return table;
  }

  /** Validates a column name given as the value of {@code key}. */
  public static String column(String key, String value) {
    String upper = value.toUpperCase(Locale.ROOT);
    boolean reserved = RESERVED_COLUMN_PREFIXES.stream().anyMatch(upper::startsWith);
    if (!COLUMN.matcher(value).matches() || reserved) {
      throw error(key, value, "must be a BigQuery column name (letters, digits and underscores, starting with a"
          + " letter or underscore, at most 300 characters, without a reserved prefix such as _PARTITION)");
    }
    return value;
  }

  /** Validates a location such as {@code US}, {@code EU} or {@code us-central1}. */
  public static String location(String key, String value) {
    if (!LOCATION.matcher(value).matches()) {
      throw error(key, value, "must be a BigQuery location such as US, EU or us-central1");
    }
    return value;
  }

  /** Validates a label key, part of the value of {@code key}. */
  public static String labelKey(String key, String value, String labelKey) {
    if (!LABEL_KEY.matcher(labelKey).matches()) {
      throw error(key, value, "label key '" + labelKey + "' must start with a lowercase letter and hold at most"
          + " 63 lowercase letters, digits, underscores and dashes");
    }
    return labelKey;
  }

  /** Validates a label value, part of the value of {@code key}. */
  public static String labelValue(String key, String value, String labelKey, String labelValue) {
    if (!LABEL_VALUE.matcher(labelValue).matches()) {
      throw error(key, value, "value '" + labelValue + "' of label '" + labelKey
          + "' must hold at most 63 lowercase letters, digits, underscores and dashes");
    }
    return labelValue;
  }

  /** {@code text} with every character a job id does not allow replaced by {@code _}. */
  public static String jobIdSafe(String text) {
    return JOB_ID_UNSAFE.matcher(text).replaceAll("_");
  }

  /** The identifier between backquotes; only for identifiers validated by this class. */
  public static String quote(String identifier) {
    return "`" + identifier + "`";
  }

  /** A settings error in the form every settings error has: {@code <key>: <problem>; got '<value>'}. */
  public static LoaderSettingsException error(String key, String value, String problem) {
    return new LoaderSettingsException(key, value, key + ": " + problem + "; got '" + value + "'");
  }

  /** A settings error with a cause. */
  public static LoaderSettingsException error(String key, String value, String problem, Throwable cause) {
    return new LoaderSettingsException(key, value, key + ": " + problem + "; got '" + value + "'", cause);
  }

  private static String part(String part, String value, String what) {
    return part.equals(value) ? "" : what + " '" + part + "' ";
  }
}
