package dev.gamehistory.loader.bigquery;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.CANCEL;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.QUERIES;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.QUERY_JOB_REFERENCE;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.STATISTICS;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.bigquery.model.QueryParameter;
import com.google.api.services.bigquery.model.QueryParameterValue;
import com.google.api.services.bigquery.model.QueryRequest;
import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.DateResult;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.Strategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Backfills through the BigQuery backend against the fake REST API: the exact request of a
 * multi-date query (the pairs as two arrays, the partition span as constants, one request for
 * several dates), splits by dates when a multi-date query times out with every job cancelled and
 * every (date, player) pair ending once, and a query whose pairs would pass the request size
 * split before it is sent.
 */
class BigQueryBackfillTest {

  private static final LocalDate D1 = LocalDate.of(2024, 1, 10);
  private static final LocalDate D2 = LocalDate.of(2024, 1, 11);
  private static final LocalDate D3 = LocalDate.of(2024, 1, 13);
  private static final List<String> PLAYERS = List.of("lebron_james", "nikola_jokic");

  /** The schema of the multi-date statement's result. */
  private static final String DATES_SCHEMA = """
      {"fields":[
        {"name":"for_date","type":"DATE","mode":"NULLABLE"},
        {"name":"player_lookup","type":"STRING","mode":"NULLABLE"},
        {"name":"game_date","type":"DATE","mode":"NULLABLE"},
        {"name":"opponent_team_abbr","type":"STRING","mode":"NULLABLE"},
        {"name":"points","type":"INTEGER","mode":"NULLABLE"},
        {"name":"minutes_played","type":"NUMERIC","mode":"NULLABLE"},
        {"name":"game_rank","type":"INTEGER","mode":"NULLABLE"},
        {"name":"rest_days","type":"INTEGER","mode":"NULLABLE"}]}""";

  private FakeBigQueryServer fake;

  @BeforeEach
  void start() {
    fake = new FakeBigQueryServer();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private static List<DateResult> backfill(LoaderSettings settings, BackfillRequest request) {
    List<DateResult> results = new ArrayList<>();
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.fromSettings(settings);
        Backfill backfill = loader.backfill(request)) {
      backfill.forEachRemaining(results::add);
    }
    return results;
  }

  private static BackfillRequest threeDates() {
    return BackfillRequest.builder().players(D1, PLAYERS).players(D2, PLAYERS).players(D3, PLAYERS).build();
  }

  private void datesQueryCompletes(List<String> rows) {
    fake.server.stubFor(query().willReturn(okJson("{\"kind\":\"bigquery#queryResponse\",\"jobComplete\":true,"
        + QUERY_JOB_REFERENCE + "," + STATISTICS + ",\"schema\":" + DATES_SCHEMA + ",\"totalRows\":\"" + rows.size()
        + "\",\"rows\":[" + String.join(",", rows) + "]}").withTransformers("response-template")));
  }

  private static String row(String forDate, String player, String date, String rank, String rest) {
    return FakeBigQueryServer.row(java.util.Arrays.asList(forDate, player, date, "BOS", "20", "30.5", rank, rest));
  }

  private static QueryRequest body(LoggedRequest request) {
    try {
      return GsonFactory.getDefaultInstance().fromString(request.getBodyAsString(), QueryRequest.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> arrayParameter(QueryRequest request, String name) {
    return parameter(request, name).getParameterValue().getArrayValues().stream()
        .map(QueryParameterValue::getValue).toList();
  }

  /**
   * The dates a query asked for: its pairs' dates, or, for a query of one date (which runs the
   * game-day statement), that date's, once per player.
   */
  private static List<String> pairDates(QueryRequest request) {
    if (request.getQueryParameters().stream().anyMatch(p -> p.getName().equals("pair_dates"))) {
      return arrayParameter(request, "pair_dates");
    }
    String date = parameter(request, "window_end").getParameterValue().getValue();
    return arrayParameter(request, "players").stream().map(player -> date).toList();
  }

  private static QueryParameter parameter(QueryRequest request, String name) {
    return request.getQueryParameters().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void backfill_threeDates_oneJobsQueryCarryingEveryPairAsParameters() {
    datesQueryCompletes(List.of(
        row("2024-01-11", "lebron_james", "2024-01-10", "1", "2"),
        row("2024-01-11", "lebron_james", "2024-01-08", "2", null),
        row("2024-01-10", "lebron_james", "2024-01-08", "1", null),
        row("2024-01-13", "nikola_jokic", "2024-01-12", "1", null)));
    LoaderSettings settings = fake.settings(Duration.ofSeconds(8), Duration.ofSeconds(20)).build();

    List<DateResult> results = backfill(settings, threeDates());

    assertThat(fake.calls()).containsExactly("jobs.query");
    QueryRequest sent = body(fake.requestsInOrder().get(0));
    assertThat(arrayParameter(sent, "pair_players")).containsExactly(
        "lebron_james", "nikola_jokic", "lebron_james", "nikola_jokic", "lebron_james", "nikola_jokic");
    assertThat(arrayParameter(sent, "pair_dates")).containsExactly(
        "2024-01-10", "2024-01-10", "2024-01-11", "2024-01-11", "2024-01-13", "2024-01-13");
    assertThat(parameter(sent, "pair_dates").getParameterType().getArrayType().getType()).isEqualTo("DATE");
    assertThat(arrayParameter(sent, "players")).containsExactly("lebron_james", "nikola_jokic");
    assertThat(parameter(sent, "scan_start").getParameterValue().getValue()).isEqualTo("2023-10-12");
    assertThat(parameter(sent, "scan_end").getParameterValue().getValue()).isEqualTo("2024-01-13");
    assertThat(parameter(sent, "scan_start").getParameterType().getType()).isEqualTo("DATE");
    assertThat(parameter(sent, "lookback_days").getParameterValue().getValue()).isEqualTo("90");
    assertThat(parameter(sent, "max_games").getParameterValue().getValue()).isEqualTo("30");
    assertThat(sent.getQuery()).contains("JOIN pair USING (player_lookup)").contains("PARTITION BY player_lookup, pair.pair_date")
        .doesNotContain("lebron").doesNotContain("2024");
    assertThat(results).extracting(DateResult::gameDate).containsExactly(D1, D2, D3);
    assertThat(results.get(0).result().games("lebron_james")).extracting(HistoricalGame::gameDate)
        .containsExactly(LocalDate.of(2024, 1, 8));
    assertThat(results.get(1).result().games("lebron_james")).containsExactly(
        new HistoricalGame("lebron_james", LocalDate.of(2024, 1, 10), "BOS", OptionalInt.of(20),
            Optional.of(new BigDecimal("30.5")), 1, OptionalInt.of(2)),
        new HistoricalGame("lebron_james", LocalDate.of(2024, 1, 8), "BOS", OptionalInt.of(20),
            Optional.of(new BigDecimal("30.5")), 2, OptionalInt.empty()));
    assertThat(results.get(1).result().games("nikola_jokic")).isEmpty();
    assertThat(results.get(2).result().games("nikola_jokic")).hasSize(1);
    assertThat(results).allSatisfy(date -> assertThat(date.result().isComplete()).isTrue());
    // The one job's statistics go with the query, heard once, under each date's report.
    assertThat(results.get(2).result().report().attempts()).singleElement()
        .satisfies(attempt -> assertThat(attempt.statistics()).isPresent());
  }

  @Test
  void backfill_multiDateQueryTimesOut_isSplitByDatesEveryJobCancelledEveryPairEndsOnce() {
    fake.queryRuns();
    fake.resultsRunning(Duration.ofSeconds(30));
    fake.cancelAnswers();
    LoaderSettings settings = fake.settings(Duration.ofSeconds(1), Duration.ofSeconds(30))
        .strategy(Strategy.adaptive()).build();

    List<DateResult> results = backfill(settings, threeDates());

    assertThat(results).extracting(DateResult::gameDate).containsExactly(D1, D2, D3);
    for (DateResult date : results) {
      assertThat(date.result().outcomes().keySet()).containsExactlyElementsOf(PLAYERS);
      assertThat(date.result().loaded()).isEmpty();
      assertThat(date.result().failures().values()).extracting(LoaderException::kind).containsOnly(FailureKind.TIMEOUT);
    }
    List<QueryRequest> queries = fake.requests(postRequestedFor(urlPathEqualTo(QUERIES))).stream()
        .map(BigQueryBackfillTest::body).toList();
    // Binary splits down to single pairs: 6 pairs, 11 queries; the first split is by dates, whole. A
    // query of one date runs the game-day statement.
    assertThat(queries).hasSize(11);
    List<Set<String>> dateSets = queries.stream().map(q -> Set.copyOf(pairDates(q))).toList();
    assertThat(dateSets.get(0)).containsExactlyInAnyOrder("2024-01-10", "2024-01-11", "2024-01-13");
    List<QueryRequest> halves = queries.subList(1, 3);
    Set<String> halfDates = new HashSet<>();
    for (QueryRequest half : halves) {
      // Whole dates: each date of the half with both its players.
      List<String> dates = pairDates(half);
      assertThat(dates).hasSize(2 * Set.copyOf(dates).size());
      halfDates.addAll(dates);
    }
    assertThat(halfDates).containsExactlyInAnyOrder("2024-01-10", "2024-01-11", "2024-01-13");
    List<String> jobs = fake.requests(postRequestedFor(urlPathEqualTo(QUERIES))).stream()
        .map(r -> "job-" + body(r).getRequestId()).toList();
    List<String> cancelled = fake.requests(postRequestedFor(urlPathMatching(CANCEL))).stream()
        .map(r -> r.getUrl().split("/")[6]).toList();
    assertThat(cancelled).containsExactlyInAnyOrderElementsOf(jobs);
  }

  @Test
  void backfill_pairsPastTheRequestSize_splitByDatesBeforeAnyRequest() {
    datesQueryCompletes(List.of());
    String padding = "x".repeat(60);
    List<String> players = IntStream.range(0, 25_000).mapToObj(i -> "player_" + i + "_" + padding)
        .collect(Collectors.toList());
    LoaderSettings settings = fake.settings(Duration.ofSeconds(20), Duration.ofSeconds(60))
        .strategy(Strategy.adaptive())
        .backfill(new BackfillPolicy(30, BackfillPolicy.MAX_PAIRS_PER_QUERY, Duration.ofMinutes(5))).build();

    List<DateResult> results = backfill(settings, BackfillRequest.builder().players(D1, players).players(D2, players)
        .build());

    // 50,000 pairs would send about 8.5 MB: the query is refused before it is sent, and split by dates.
    List<QueryRequest> queries = fake.requests(postRequestedFor(urlPathEqualTo(QUERIES))).stream()
        .map(BigQueryBackfillTest::body).toList();
    assertThat(queries).hasSize(2);
    assertThat(queries).allSatisfy(q -> assertThat(Set.copyOf(pairDates(q))).hasSize(1));
    assertThat(queries.stream().map(q -> pairDates(q).get(0))).containsExactlyInAnyOrder("2024-01-10", "2024-01-11");
    assertThat(results).allSatisfy(date -> assertThat(date.result().isComplete()).isTrue());
    assertThat(results.get(0).result().report().attempts().get(0).failure()).hasValueSatisfying(
        failure -> assertThat(failure.getMessage()).contains("a query of 50000 pair(s) of 2 date(s) would send about"));
  }

  @Test
  void estimate_backfill_dryRunsTheMultiDatePlanAndThePerDateLoop() {
    String answer = "{\"kind\":\"bigquery#queryResponse\",\"jobReference\":{\"projectId\":\"test\"},"
        + "\"totalBytesProcessed\":\"%d\",\"jobComplete\":true}";
    fake.server.stubFor(query().withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("pair_dates"))
        .willReturn(okJson(answer.formatted(2_000_000))));
    fake.server.stubFor(query().withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.notContaining("pair_dates"))
        .willReturn(okJson(answer.formatted(1_000_000))));
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().client(fake.client()).table("nba.games").build();
    BackfillRequest.Builder request = BackfillRequest.builder();
    for (int day = 0; day < 35; day++) {
      request.players(D1.plusDays(day), PLAYERS);
    }

    BackfillEstimate estimate = backend.estimate(request.build(), BackfillPolicy.defaults());

    assertThat(estimate.multiDate()).extracting(CostEstimate.QueryCost::players).containsExactly(60, 10);
    assertThat(estimate.perDate()).hasSize(35).allSatisfy(q -> assertThat(q.players()).isEqualTo(2));
    assertThat(estimate.multiDateBytes()).isEqualTo(4_000_000);
    assertThat(estimate.perDateBytes()).isEqualTo(35_000_000);
    // 30 consecutive dates and 90 days before them, then 5 and 90; against 90 days a date.
    assertThat(estimate.multiDatePartitionDays()).isEqualTo(119 + 94);
    assertThat(estimate.perDatePartitionDays()).isEqualTo(35 * 90);
    assertThat(estimate.multiDateMinimumBytesBilled()).isEqualTo(2 * CostEstimate.ON_DEMAND_MINIMUM_BYTES);
    assertThat(estimate.perDateMinimumBytesBilled()).isEqualTo(35 * CostEstimate.ON_DEMAND_MINIMUM_BYTES);
    assertThat(estimate.summary()).isEqualTo("2 multi-date queries: 4000000 bytes processed, 213 partition days;"
        + " per-date loop: 35 queries: 35000000 bytes processed, 3150 partition days");
    List<QueryRequest> sent = fake.requests(postRequestedFor(urlPathEqualTo(QUERIES))).stream()
        .map(BigQueryBackfillTest::body).toList();
    assertThat(sent).hasSize(37).allSatisfy(q -> assertThat(q.getDryRun()).isTrue());
    backend.close();
  }

  @Test
  void load_playersPastTheRequestSize_refusedBeforeAnyRequestAndSplitByTheAdaptiveStrategy() {
    fake.queryCompletes(List.of());
    // 300,000 players of 30 characters: about 12.6 MB of parameters in one request, 6.3 MB in half.
    List<String> players = IntStream.range(0, 300_000).mapToObj(i -> String.format("player_%023d", i)).toList();
    LoaderSettings settings = fake.settings(Duration.ofSeconds(20), Duration.ofSeconds(60))
        .strategy(Strategy.adaptive()).build();

    dev.gamehistory.loader.LoadResult result;
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.fromSettings(settings)) {
      result = loader.load(dev.gamehistory.loader.LoadRequest.of(D1, players));
    }

    assertThat(result.isComplete()).isTrue();
    assertThat(fake.calls()).containsExactly("jobs.query", "jobs.query");
    assertThat(result.report().attempts().get(0).failure()).hasValueSatisfying(failure -> {
      assertThat(failure.getMessage()).contains("a query of 300000 player(s) would send about");
      assertThat(((dev.gamehistory.loader.BackendException) failure).isSplittable()).isTrue();
    });
  }
}
