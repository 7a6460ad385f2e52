package dev.gamehistory.loader.bigquery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.bigquery.JobCreation;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BigQuerySettingsTest {

  @Test
  void parse_noKeys_defaults() {
    BigQuerySettings settings = BigQuerySettings.parse(Map.of("backend", "bigquery", "in-memory.seed", "7"));

    assertThat(settings).isEqualTo(new BigQuerySettings(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), OptionalLong.empty(), Map.of(), Optional.empty(), Map.of(), Duration.ofSeconds(5),
        Duration.ofMillis(900), JobCreation.REQUIRED, 4));
    assertThat(settings.column(Column.POINTS)).isEqualTo("points");
  }

  @Test
  void parse_everyKey_readsValues(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("key.json"), "{}");

    BigQuerySettings settings = BigQuerySettings.parse(Map.ofEntries(
        Map.entry("bigquery.project", "billing-project"),
        Map.entry("bigquery.table", "data-project.nba.player_game_summary"),
        Map.entry("bigquery.location", "europe-west2"),
        Map.entry("bigquery.host", "http://127.0.0.1:9050"),
        Map.entry("bigquery.maximum-bytes-billed", "1073741824"),
        Map.entry("bigquery.labels", "team=nba, env = test,empty="),
        Map.entry("bigquery.credentials", key.toString()),
        Map.entry("bigquery.columns.points", "pts"),
        Map.entry("bigquery.columns.minutes_played", "minutes"),
        Map.entry("bigquery.wait-slice", "750ms"),
        Map.entry("bigquery.first-wait", "1.5s"),
        Map.entry("bigquery.job-creation", "optional"),
        Map.entry("bigquery.read-attempts", "6")));

    assertThat(settings.project()).hasValue("billing-project");
    assertThat(settings.table()).hasValue(new TableRef("data-project", "nba", "player_game_summary"));
    assertThat(settings.location()).hasValue("europe-west2");
    assertThat(settings.host()).hasValue(URI.create("http://127.0.0.1:9050"));
    assertThat(settings.maximumBytesBilled()).hasValue(1_073_741_824L);
    assertThat(settings.labels()).containsExactly(Map.entry("team", "nba"), Map.entry("env", "test"), Map.entry("empty", ""));
    assertThat(settings.credentials()).hasValue(key);
    assertThat(settings.column(Column.POINTS)).isEqualTo("pts");
    assertThat(settings.column(Column.MINUTES_PLAYED)).isEqualTo("minutes");
    assertThat(settings.column(Column.GAME_DATE)).isEqualTo("game_date");
    assertThat(settings.waitSlice()).isEqualTo(Duration.ofMillis(750));
    assertThat(settings.firstWait()).isEqualTo(Duration.ofMillis(1500));
    assertThat(settings.jobCreation()).isEqualTo(JobCreation.OPTIONAL);
    assertThat(settings.readAttempts()).isEqualTo(6);
  }

  @Test
  void parse_domainScopedProject_accepted() {
    BigQuerySettings settings = BigQuerySettings.parse(Map.of("bigquery.table", "example.com:analytics.nba.games"));

    assertThat(settings.table()).hasValue(new TableRef("example.com:analytics", "nba", "games"));
    assertThat(settings.table().orElseThrow().sql()).isEqualTo("`example.com:analytics`.`nba`.`games`");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "bigquery.table|games|bigquery.table: must be project.dataset.table or dataset.table; got 'games'",
      "bigquery.table|nba.|bigquery.table: must be project.dataset.table or dataset.table; got 'nba.'",
      "bigquery.table|.nba.games|bigquery.table: must be project.dataset.table or dataset.table; got '.nba.games'",
      "bigquery.table|nba.games`; DROP TABLE x; --|bigquery.table: table 'games`; DROP TABLE x; --' must be a BigQuery"
          + " table id (letters, marks, digits, underscores, dashes and inner spaces, at most 1024 bytes);"
          + " got 'nba.games`; DROP TABLE x; --'",
      "bigquery.table|nba-data.games|bigquery.table: dataset 'nba-data' must be a BigQuery dataset id (letters,"
          + " digits and underscores, at most 1024 characters); got 'nba-data.games'",
      "bigquery.table|My_Project.nba.games|bigquery.table: project 'My_Project' must be a BigQuery project id"
          + " (lowercase letters, digits and hyphens, starting with a letter, at most 30 characters);"
          + " got 'My_Project.nba.games'",
      "bigquery.project|1project|bigquery.project: must be a BigQuery project id (lowercase letters, digits and"
          + " hyphens, starting with a letter, at most 30 characters); got '1project'",
      "bigquery.location|U S|bigquery.location: must be a BigQuery location such as US, EU or us-central1; got 'U S'",
      "bigquery.host|ftp://127.0.0.1:21|bigquery.host: must be an http(s) URL with a host and nothing after the"
          + " port, such as http://127.0.0.1:9050; got 'ftp://127.0.0.1:21'",
      "bigquery.host|http://127.0.0.1:9050/bigquery/v2|bigquery.host: must be an http(s) URL with a host and"
          + " nothing after the port, such as http://127.0.0.1:9050; got 'http://127.0.0.1:9050/bigquery/v2'",
      "bigquery.maximum-bytes-billed|10GB|bigquery.maximum-bytes-billed: must be a positive whole number of"
          + " bytes; got '10GB'",
      "bigquery.maximum-bytes-billed|0|bigquery.maximum-bytes-billed: must be a positive whole number of bytes;"
          + " got '0'",
      "bigquery.labels|team|bigquery.labels: must be key=value pairs separated by commas, but 'team' has no '=';"
          + " got 'team'",
      "bigquery.labels|Team=nba|bigquery.labels: label key 'Team' must start with a lowercase letter and hold at"
          + " most 63 lowercase letters, digits, underscores and dashes; got 'Team=nba'",
      "bigquery.labels|team=NBA|bigquery.labels: value 'NBA' of label 'team' must hold at most 63 lowercase"
          + " letters, digits, underscores and dashes; got 'team=NBA'",
      "bigquery.labels|a=1,a=2|bigquery.labels: label 'a' is given twice; got 'a=1,a=2'",
      "bigquery.credentials|/no/such/key.json|bigquery.credentials: must be the path of a readable service-account"
          + " JSON file; got '/no/such/key.json'",
      "bigquery.columns.points|pts`|bigquery.columns.points: must be a BigQuery column name (letters, digits and"
          + " underscores, starting with a letter or underscore, at most 300 characters, without a reserved prefix"
          + " such as _PARTITION); got 'pts`'",
      "bigquery.columns.points|_PARTITIONTIME|bigquery.columns.points: must be a BigQuery column name (letters,"
          + " digits and underscores, starting with a letter or underscore, at most 300 characters, without a"
          + " reserved prefix such as _PARTITION); got '_PARTITIONTIME'",
      "bigquery.columns.assists|ast|bigquery.columns.assists: unknown field 'assists'; known fields: player_lookup,"
          + " game_date, opponent_team_abbr, points, minutes_played, team_abbr, game_id; got 'ast'",
      "bigquery.tabel|nba.games|bigquery.tabel: unknown BigQuery setting; known: bigquery.project, bigquery.table,"
          + " bigquery.location, bigquery.host, bigquery.maximum-bytes-billed, bigquery.labels, bigquery.credentials,"
          + " bigquery.wait-slice, bigquery.first-wait, bigquery.job-creation, bigquery.read-attempts,"
          + " bigquery.columns.<field> for fields player_lookup, game_date, opponent_team_abbr, points,"
          + " minutes_played, team_abbr, game_id; got 'nba.games'",
      "bigquery.wait-slice|0s|bigquery.wait-slice: must be a duration from 1ms to 60s; got '0s'",
      "bigquery.wait-slice|2m|bigquery.wait-slice: must be a duration from 1ms to 60s; got '2m'",
      "bigquery.wait-slice|soon|bigquery.wait-slice: must be a duration from 1ms to 60s; use 500ms, 30s, 2m or"
          + " ISO-8601 like PT30S; got 'soon'",
      "bigquery.first-wait|0ms|bigquery.first-wait: must be a duration from 1ms to 60s; got '0ms'",
      "bigquery.job-creation|never|bigquery.job-creation: must be required or optional; got 'never'",
      "bigquery.read-attempts|0|bigquery.read-attempts: must be a whole number from 1 to 20; got '0'",
      "bigquery.read-attempts|many|bigquery.read-attempts: must be a whole number from 1 to 20; got 'many'",
  })
  void parse_badValue_namesKeyAndValue(String key, String value, String message) {
    assertThatThrownBy(() -> BigQuerySettings.parse(Map.of(key, value)))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage(message)
        .satisfies(e -> {
          assertThat(((LoaderSettingsException) e).key()).isEqualTo(key);
          assertThat(((LoaderSettingsException) e).value()).isEqualTo(value);
        });
  }

  @Test
  void parse_tooManyLabels_rejected() {
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 65; i++) {
      labels.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
    }

    assertThatThrownBy(() -> BigQuerySettings.parse(Map.of("bigquery.labels", labels.toString())))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("bigquery.labels: at most 64 labels are allowed, not 65; got '" + labels + "'");
  }

  @Test
  void tableRef_withoutProject_takesDefault() {
    TableRef table = TableRef.parse("bigquery.table", "nba.games");

    assertThat(table.sql()).isEqualTo("`nba`.`games`");
    assertThat(table.withDefaultProject("test").sql()).isEqualTo("`test`.`nba`.`games`");
    assertThat(table.withDefaultProject("test")).hasToString("test.nba.games");
    assertThat(TableRef.parse("bigquery.table", "p.d.t").withDefaultProject("other").project()).isEqualTo("p");
  }
}
