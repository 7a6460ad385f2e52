package dev.gamehistory.loader.bigquery.internal;

import com.google.cloud.bigquery.TableId;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A validated table reference.
 *
 * @param project the project holding the table, absent to use the client's project
 * @param dataset the dataset
 * @param table the table
 */
public record TableRef(@Nullable String project, String dataset, String table) {

  /** Checks that dataset and table are present. */
  public TableRef {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(table, "table");
  }

  /**
   * Parses {@code project.dataset.table} or {@code dataset.table}, validating each part.
   *
   * @param key the setting's key, for messages
   * @throws LoaderSettingsException naming the key and the value when malformed
   */
  public static TableRef parse(String key, String value) {
    int last = value.lastIndexOf('.');
    if (last <= 0 || last == value.length() - 1) {
      throw malformed(key, value);
    }
    String table = value.substring(last + 1);
    String rest = value.substring(0, last);
    int previous = rest.lastIndexOf('.');
    String project = null;
    String dataset = rest;
    if (previous >= 0) {
      if (previous == 0) {
        throw malformed(key, value);
      }
      project = rest.substring(0, previous);
      dataset = rest.substring(previous + 1);
    }
    if (project != null) {
      Identifiers.project(key, value, project);
    }
    Identifiers.dataset(key, value, dataset);
    Identifiers.table(key, value, table);
    return new TableRef(project, dataset, table);
  }

  private static LoaderSettingsException malformed(String key, String value) {
    return Identifiers.error(key, value, "must be project.dataset.table or dataset.table");
  }

  /** This reference with the given project when it names none. */
  public TableRef withDefaultProject(@Nullable String defaultProject) {
    if (project != null || defaultProject == null) {
      return this;
    }
    // The default may come from the environment or a caller's client: validated like any setting.
    return new TableRef(Identifiers.project("bigquery.project", defaultProject), dataset, table);
  }

  /** The table's path for SQL, each part backquoted: {@code `p`.`d`.`t`}. */
  public String sql() {
    String path = Identifiers.quote(dataset) + "." + Identifiers.quote(table);
    return project == null ? path : Identifiers.quote(project) + "." + path;
  }

  /** The client's table id. */
  public TableId tableId() {
    return project == null ? TableId.of(dataset, table) : TableId.of(project, dataset, table);
  }

  @Override
  public String toString() {
    return (project == null ? "" : project + ".") + dataset + "." + table;
  }
}
