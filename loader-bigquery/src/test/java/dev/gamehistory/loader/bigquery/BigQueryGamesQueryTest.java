package dev.gamehistory.loader.bigquery;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.spi.GamesQueryProvider;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BigQueryGamesQueryTest {

  private static final LocalDate DATE = LocalDate.of(2024, 1, 10);

  private FakeBigQueryServer fake;

  @BeforeEach
  void start() {
    fake = new FakeBigQueryServer();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private static LoaderSettings settings(Map<String, String> backend) {
    return LoaderSettings.builder().backendProperties(backend).build();
  }

  @Test
  void build_withoutTable_namesTheKey() {
    assertThatThrownBy(() -> BigQueryGamesQuery.builder().client(fake.client()).build())
        .isInstanceOfSatisfying(LoaderSettingsException.class, e -> {
          assertThat(e.key()).isEqualTo("bigquery.table");
          assertThat(e.value()).isNull();
        })
        .hasMessage("bigquery.table: required by the bigquery backend, e.g. my-project.nba.player_game_summary or"
            + " nba.player_game_summary");
  }

  @Test
  void builder_badValues_namesKeyAndValue() {
    BigQueryGamesQuery.Builder builder = BigQueryGamesQuery.builder();

    assertThatThrownBy(() -> builder.column("points", "pts; DROP"))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("bigquery.columns.points: must be a BigQuery column name (letters, digits and underscores,"
            + " starting with a letter or underscore, at most 300 characters, without a reserved prefix such as"
            + " _PARTITION); got 'pts; DROP'");
    assertThatThrownBy(() -> builder.column("assists", "ast"))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("bigquery.columns.assists: unknown field 'assists'; known fields: player_lookup, game_date,"
            + " opponent_team_abbr, points, minutes_played, team_abbr, game_id; got 'ast'");
    assertThatThrownBy(() -> builder.maximumBytesBilled(0))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("bigquery.maximum-bytes-billed: must be a positive whole number of bytes; got '0'");
    assertThatThrownBy(() -> builder.labels(Map.of("Team", "nba")))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("bigquery.labels: label key 'Team' must start with a lowercase letter and hold at most 63"
            + " lowercase letters, digits, underscores and dashes; got '{Team=nba}'");
    assertThatThrownBy(() -> builder.location("mars orbit"))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("bigquery.location: must be a BigQuery location such as US, EU or us-central1; got 'mars orbit'");
    assertThatThrownBy(() -> builder.table("games"))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("bigquery.table: must be project.dataset.table or dataset.table; got 'games'");
    assertThatThrownBy(() -> builder.pageSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pageSize must be between 1 and 100000 but was 0");
    assertThatThrownBy(() -> builder.waitSlice(java.time.Duration.ofMinutes(2)))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("bigquery.wait-slice: must be a duration from 1ms to 60s; got '2m'");
    assertThatThrownBy(() -> builder.readAttempts(0))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("bigquery.read-attempts: must be a whole number from 1 to 20; got '0'");
  }

  @Test
  void fromSettings_badSetting_failsBeforeAnyRequest() {
    LoaderSettings settings = settings(Map.of("backend", "bigquery", "bigquery.host", fake.url(),
        "bigquery.project", "test", "bigquery.table", "nba.games", "bigquery.maximum-bytes-billed", "lots"));

    assertThatThrownBy(() -> HistoricalGamesLoader.fromSettings(settings))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("bigquery.maximum-bytes-billed: must be a positive whole number of bytes; got 'lots'");
    assertThat(fake.server.getAllServeEvents()).isEmpty();
  }

  @Test
  void fromSettings_backendBigquery_foundByServiceLoader() {
    LoaderSettings settings = settings(Map.of("backend", "bigquery", "bigquery.host", fake.url(),
        "bigquery.project", "test", "bigquery.table", "nba.games"));

    assertThat(ServiceLoader.load(GamesQueryProvider.class).stream().map(p -> p.get().name()))
        .contains("bigquery");
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.fromSettings(settings)) {
      assertThat(loader.toString()).contains("backend=bigquery");
    }
    assertThat(fake.server.getAllServeEvents()).isEmpty();
  }

  @Test
  void sqlAndTable_fromSettings_useMappedColumnsAndProject() {
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().fromSettings(settings(Map.of(
        "bigquery.host", fake.url(), "bigquery.project", "billing", "bigquery.table", "nba.player_game_summary",
        "bigquery.columns.points", "pts", "bigquery.columns.player_lookup", "lookup"))).build();

    assertThat(backend.table()).isEqualTo("billing.nba.player_game_summary");
    assertThat(backend.sql())
        .contains("FROM `billing`.`nba`.`player_game_summary`")
        .contains("`pts` AS points", "`lookup` IN UNNEST(@players)");
    assertThat(backend.name()).isEqualTo("bigquery");
    backend.close();
  }

  @Test
  void table_withItsOwnProject_keepsIt() {
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().client(fake.client())
        .table("data-project.nba.games").build();

    assertThat(backend.table()).isEqualTo("data-project.nba.games");
    assertThat(backend.sql()).contains("FROM `data-project`.`nba`.`games`");
    backend.close();
  }

  @Test
  void initialChunks_eachStrategy_asTheEngineStartsIt() {
    List<String> players = List.of("a", "b", "c", "d", "e");

    assertThat(BigQueryGamesQuery.initialChunks(players, Strategy.batch())).containsExactly(players);
    assertThat(BigQueryGamesQuery.initialChunks(players, Strategy.chunked(2, 4)))
        .containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
    assertThat(BigQueryGamesQuery.initialChunks(players, Strategy.perPlayer(4))).hasSize(5);
    assertThat(BigQueryGamesQuery.initialChunks(players, Strategy.adaptive())).containsExactly(players);
    assertThat(BigQueryGamesQuery.initialChunks(players, Strategy.adaptive(3, 2)))
        .containsExactly(List.of("a", "b", "c"), List.of("d", "e"));
    assertThat(BigQueryGamesQuery.initialChunks(players, Strategy.fallback(Strategy.chunked(4, 1), Strategy.perPlayer(2))))
        .containsExactly(List.of("a", "b", "c", "d"), List.of("e"));
  }

  @Test
  void estimate_perPlayer_dryRunsEveryQuery() {
    fake.server.stubFor(FakeBigQueryServer.query()
        .withRequestBody(matchingJsonPath("$.dryRun", equalTo("true")))
        .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"kind\":\"bigquery#queryResponse\","
            + "\"jobReference\":{\"projectId\":\"test\",\"location\":\"US\"},\"totalBytesProcessed\":\"123456\","
            + "\"jobComplete\":true,\"cacheHit\":false,\"schema\":" + FakeBigQueryServer.SCHEMA + "}")));
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().client(fake.client()).table("nba.games").build();
    LoadRequest request = LoadRequest.of(DATE, List.of("a", "b", "c"));

    CostEstimate estimate = backend.estimate(request, Strategy.perPlayer(4));

    assertThat(estimate.queryCount()).isEqualTo(3);
    assertThat(estimate.queries()).allSatisfy(q -> {
      assertThat(q.players()).isEqualTo(1);
      assertThat(q.bytesProcessed()).isEqualTo(123_456);
      assertThat(q.minimumBytesBilled()).isEqualTo(CostEstimate.ON_DEMAND_MINIMUM_BYTES);
    });
    assertThat(estimate.totalBytesProcessed()).isEqualTo(370_368);
    assertThat(estimate.minimumBytesBilled()).isEqualTo(3 * CostEstimate.ON_DEMAND_MINIMUM_BYTES);
    assertThat(estimate.summary()).isEqualTo("per-player(parallelism=4): 3 queries, 370368 bytes processed, at least"
        + " 31457280 bytes billed (on-demand minimum 10485760 bytes per query)");
    assertThat(fake.calls()).containsExactly("jobs.query", "jobs.query", "jobs.query");
    backend.close();
  }

  @Test
  void check_tableMissing_failsNamingIt() {
    fake.server.stubFor(FakeBigQueryServer.query()
        .willReturn(FakeBigQueryServer.error(404, "notFound", "Not found: Table test:nba.games was not found in location US")));
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().client(fake.client()).table("nba.games").build();

    assertThatThrownBy(backend::check)
        .isInstanceOfSatisfying(dev.gamehistory.loader.BackendException.class, e -> {
          assertThat(e.reason()).isEqualTo("notFound");
          assertThat(e.isRetryable()).isFalse();
        })
        .hasMessage("Not found: Table test:nba.games was not found in location US");
    assertThat(fake.calls()).containsExactly("jobs.query");
    backend.close();
  }
}
