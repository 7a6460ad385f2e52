package dev.gamehistory.loader.cli;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableResult;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.bigquery.BigQueryGamesQuery;
import dev.gamehistory.loader.settings.LoaderSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The baseline of {@code hgl compare}: runs the library's statement the way a user of
 * google-cloud-bigquery would, outside the library.
 */
interface BareClient {

  /**
   * Runs {@code sql} with the request's window, players and max games as named parameters and
   * reads every row of the result.
   *
   * @return the rows read
   * @throws RuntimeException when BigQuery fails the query
   */
  long rows(String sql, LoadRequest request) throws InterruptedException;

  /**
   * A bare client as a user would build one from the same settings: {@code bigquery.host} with no
   * credentials (an emulator or a proxy), else {@code bigquery.credentials} or Application Default
   * Credentials; the jobs' project, and their location when the settings give one; otherwise the
   * client's defaults. It runs {@code BigQuery.query()} and reads every row of {@code iterateAll()}.
   */
  static BareClient fromSettings(LoaderSettings settings) {
    Map<String, String> properties = settings.backendProperties();
    BigQueryGamesQuery query = BigQueryGamesQuery.builder().fromSettings(settings).build();
    String table = query.table();
    query.close();
    String project = properties.getOrDefault("bigquery.project", table.substring(0, table.indexOf('.')));
    BigQueryOptions.Builder options = BigQueryOptions.newBuilder().setProjectId(project);
    // A location only when the settings give one, as the library sends it: BigQuery otherwise finds it from the table.
    String location = properties.get("bigquery.location");
    if (location != null) {
      options.setLocation(location);
    }
    String host = properties.get("bigquery.host");
    String credentials = properties.get("bigquery.credentials");
    if (host != null) {
      options.setHost(host).setCredentials(NoCredentials.getInstance());
    } else if (credentials != null) {
      try (InputStream in = Files.newInputStream(Path.of(credentials))) {
        options.setCredentials(GoogleCredentials.fromStream(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read bigquery.credentials " + credentials, e);
      }
    }
    BigQuery bigquery = options.build().getService();
    return (sql, request) -> {
      QueryJobConfiguration config = QueryJobConfiguration.newBuilder(sql)
          .setUseLegacySql(false)
          .addNamedParameter("window_start", QueryParameterValue.date(request.windowStart().toString()))
          .addNamedParameter("window_end", QueryParameterValue.date(request.windowEnd().toString()))
          .addNamedParameter("players",
              QueryParameterValue.array(request.players().toArray(new String[0]), StandardSQLTypeName.STRING))
          .addNamedParameter("max_games", QueryParameterValue.int64((long) request.maxGames()))
          .build();
      TableResult result = bigquery.query(config);
      long rows = 0;
      for (FieldValueList ignored : result.iterateAll()) {
        rows++;
      }
      return rows;
    };
  }
}
