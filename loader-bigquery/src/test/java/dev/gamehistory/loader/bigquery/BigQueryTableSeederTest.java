package dev.gamehistory.loader.bigquery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gamehistory.loader.BackendException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BigQueryTableSeederTest {

  private static final String DATASETS = "/bigquery/v2/projects/test/datasets";
  private static final String DATASET = DATASETS + "/nba";
  private static final String TABLES = DATASET + "/tables";
  private static final String TABLE = TABLES + "/games";
  private static final String INSERT = TABLE + "/insertAll";

  private FakeBigQueryServer fake;

  @BeforeEach
  void start() {
    fake = new FakeBigQueryServer();
    fake.server.stubFor(post(urlPathEqualTo(DATASETS)).willReturn(okJson(
        "{\"datasetReference\":{\"projectId\":\"test\",\"datasetId\":\"nba\"}}")));
    fake.server.stubFor(post(urlPathEqualTo(TABLES)).willReturn(okJson(
        "{\"tableReference\":{\"projectId\":\"test\",\"datasetId\":\"nba\",\"tableId\":\"games\"},\"type\":\"TABLE\"}")));
    fake.server.stubFor(post(urlPathEqualTo(INSERT)).willReturn(okJson("{\"kind\":\"bigquery#tableDataInsertAllResponse\"}")));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private void datasetMissing() {
    fake.server.stubFor(get(urlPathEqualTo(DATASET)).willReturn(FakeBigQueryServer.error(404, "notFound", "Not found: Dataset test:nba")));
  }

  private void tableMissing() {
    fake.server.stubFor(get(urlPathEqualTo(TABLE)).willReturn(FakeBigQueryServer.error(404, "notFound", "Not found: Table test:nba.games")));
  }

  private void tableHolds(long rows) {
    fake.server.stubFor(get(urlPathEqualTo(DATASET)).willReturn(okJson(
        "{\"datasetReference\":{\"projectId\":\"test\",\"datasetId\":\"nba\"}}")));
    fake.server.stubFor(get(urlPathEqualTo(TABLE)).willReturn(okJson(
        "{\"tableReference\":{\"projectId\":\"test\",\"datasetId\":\"nba\",\"tableId\":\"games\"},\"type\":\"TABLE\","
            + "\"numRows\":\"" + rows + "\",\"schema\":{\"fields\":[]}}")));
  }

  private static List<SeedRow> rows(int count) {
    List<SeedRow> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(new SeedRow("player" + i, LocalDate.of(2024, 1, 1 + i), "BOS", "MIA", "g" + i,
          i == 0 ? OptionalInt.empty() : OptionalInt.of(10 + i),
          i == 0 ? Optional.empty() : Optional.of(new BigDecimal("30.5"))));
    }
    return rows;
  }

  @Test
  void seed_newTable_createsDatasetAndPartitionedClusteredTableThenInsertsInBatches() {
    datasetMissing();
    tableMissing();
    List<long[]> progress = new ArrayList<>();
    BigQueryTableSeeder seeder = BigQueryTableSeeder.builder().client(fake.client()).table("nba.games")
        .batchSize(2).progress((inserted, total) -> progress.add(new long[] {inserted, total})).build();

    long inserted = seeder.seed(rows(5));

    assertThat(inserted).isEqualTo(5);
    assertThat(progress).containsExactly(new long[] {2, 5}, new long[] {4, 5}, new long[] {5, 5});
    fake.server.verify(postRequestedFor(urlPathEqualTo(DATASETS))
        .withRequestBody(matchingJsonPath("$.location", equalTo("US"))));
    fake.server.verify(postRequestedFor(urlPathEqualTo(TABLES))
        .withRequestBody(matchingJsonPath("$.timePartitioning", equalToJson("{\"type\":\"DAY\",\"field\":\"game_date\"}")))
        .withRequestBody(matchingJsonPath("$.clustering.fields",
            equalToJson("[\"universal_player_id\",\"player_lookup\",\"team_abbr\",\"game_date\"]")))
        .withRequestBody(matchingJsonPath("$.schema.fields[?(@.name == 'minutes_played')].type", equalTo("NUMERIC")))
        .withRequestBody(matchingJsonPath("$.schema.fields[?(@.name == 'minutes_played')].precision", equalTo("5"))));
    List<LoggedRequest> inserts = fake.requests(postRequestedFor(urlPathEqualTo(INSERT)));
    assertThat(inserts).hasSize(3);
    String first = inserts.get(0).getBodyAsString();
    assertThat(first).contains("\"insertId\":\"row-0\"", "\"player_lookup\":\"player0\"", "\"universal_player_id\":\"player0\"",
        "\"game_date\":\"2024-01-01\"", "\"minutes_played\":\"30.5\"").doesNotContain("\"points\":null");
  }

  @Test
  void seed_mappedColumns_usedInSchemaAndRows() {
    datasetMissing();
    tableMissing();
    BigQueryTableSeeder seeder = BigQueryTableSeeder.builder().client(fake.client()).table("nba.games")
        .column("points", "pts").column("game_date", "day").build();

    seeder.seed(rows(2));

    fake.server.verify(postRequestedFor(urlPathEqualTo(TABLES))
        .withRequestBody(matchingJsonPath("$.timePartitioning.field", equalTo("day")))
        .withRequestBody(matchingJsonPath("$.clustering.fields[3]", equalTo("day"))));
    assertThat(fake.requests(postRequestedFor(urlPathEqualTo(INSERT))).get(0).getBodyAsString())
        .contains("\"pts\":11", "\"day\":\"2024-01-02\"");
  }

  @Test
  void seed_tableWithRows_refusedUnlessReplace() {
    tableHolds(12);
    BigQueryTableSeeder seeder = BigQueryTableSeeder.builder().client(fake.client()).table("nba.games").build();

    assertThatThrownBy(() -> seeder.seed(rows(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("table test.nba.games already holds 12 row(s); seed with replace to drop and recreate it");
    assertThat(fake.requests(postRequestedFor(urlPathEqualTo(INSERT)))).isEmpty();
    assertThat(fake.requests(postRequestedFor(urlPathEqualTo(TABLES)))).isEmpty();
  }

  @Test
  void seed_replace_dropsAndRecreatesTheTable() {
    tableHolds(12);
    fake.server.stubFor(delete(urlPathEqualTo(TABLE)).willReturn(aResponse().withStatus(204)));
    BigQueryTableSeeder seeder = BigQueryTableSeeder.builder().client(fake.client()).table("nba.games")
        .replace(true).build();

    assertThat(seeder.seed(rows(3))).isEqualTo(3);

    fake.server.verify(deleteRequestedFor(urlPathEqualTo(TABLE)));
    fake.server.verify(postRequestedFor(urlPathEqualTo(TABLES)));
    assertThat(fake.requests(postRequestedFor(urlPathEqualTo(DATASETS)))).isEmpty();
  }

  @Test
  void seed_rowRejected_failsWithTheFirstErrors() {
    datasetMissing();
    tableMissing();
    fake.server.stubFor(post(urlPathEqualTo(INSERT)).willReturn(okJson("""
        {"kind":"bigquery#tableDataInsertAllResponse","insertErrors":[
          {"index":1,"errors":[{"reason":"invalid","location":"minutes_played","message":"Invalid NUMERIC value: 3.55"}]}]}
        """)));
    BigQueryTableSeeder seeder = BigQueryTableSeeder.builder().client(fake.client()).table("nba.games").build();

    assertThatThrownBy(() -> seeder.seed(rows(3)))
        .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.reason()).isEqualTo("insertError"))
        .hasMessage("inserting into test.nba.games failed for 1 of 3 row(s) of the batch at row 0; first:"
            + " row 1: [invalid Invalid NUMERIC value: 3.55]");
  }
}
