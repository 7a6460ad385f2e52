package dev.gamehistory.loader.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.BackendStatistics;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.ReportEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A load as JSON: {@code request}, {@code players} (in request order, each LOADED with its games or
 * FAILED with its error) and {@code report}. Absent values are {@code null}; minutes played are
 * decimal strings ({@code "36.5"}), so no precision is lost; durations are whole milliseconds.
 */
final class JsonReport {

  /** The mapper every JSON output of the CLI uses: indented, ISO dates written by hand. */
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  /** The whole load. */
  static ObjectNode of(LoadRequest request, LoadResult result) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode requestNode = root.putObject("request");
    requestNode.put("gameDate", request.gameDate().toString());
    requestNode.put("windowStart", request.windowStart().toString());
    requestNode.put("lookbackDays", request.lookbackDays());
    requestNode.put("maxGames", request.maxGames());
    requestNode.put("players", request.players().size());
    ObjectNode players = root.putObject("players");
    result.outcomes().forEach((player, outcome) -> players.set(player, outcome(outcome)));
    root.set("report", report(result.report()));
    return root;
  }

  private static ObjectNode outcome(PlayerOutcome outcome) {
    ObjectNode node = MAPPER.createObjectNode();
    if (outcome instanceof PlayerOutcome.Loaded loaded) {
      node.put("status", "LOADED");
      ArrayNode games = node.putArray("games");
      loaded.games().forEach(game -> games.add(game(game)));
    } else if (outcome instanceof PlayerOutcome.Failed failed) {
      node.put("status", "FAILED");
      node.set("error", error(failed.cause()));
    }
    return node;
  }

  private static ObjectNode game(HistoricalGame game) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("gameDate", game.gameDate().toString());
    node.put("opponentTeamAbbr", game.opponentTeamAbbr());
    putInt(node, "points", game.points());
    if (game.minutesPlayed().isPresent()) {
      node.put("minutesPlayed", game.minutesPlayed().get().toPlainString());
    } else {
      node.putNull("minutesPlayed");
    }
    node.put("rank", game.rank());
    putInt(node, "restDays", game.restDays());
    return node;
  }

  /** A failure: its kind, message, retryability and, for a backend error, the backend's reason. */
  static ObjectNode error(LoaderException failure) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("kind", failure.kind().name());
    node.put("message", String.valueOf(failure.getMessage()));
    node.put("retryable", failure.isRetryable());
    if (failure instanceof BackendException backend) {
      node.put("reason", backend.reason());
    }
    return node;
  }

  /** The load's report: totals, then every attempt and event. */
  static ObjectNode report(LoadReport report) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("strategy", report.strategy());
    node.put("backend", report.backend());
    node.put("startedAt", report.startedAt().toString());
    node.put("elapsedMs", report.elapsed().toMillis());
    node.put("deadlineMs", report.deadline().toMillis());
    node.put("queries", report.queryCount());
    node.put("rows", report.rows());
    node.put("retries", report.retries());
    node.put("splits", report.count(ReportEvent.Kind.SPLIT));
    node.put("fallbacks", report.count(ReportEvent.Kind.FALLBACK));
    report.cache().ifPresent(cache -> {
      ObjectNode cacheNode = node.putObject("cache");
      cacheNode.put("hits", cache.hits());
      cacheNode.put("shared", cache.shared());
      cacheNode.put("queried", cache.queried());
    });
    putLong(node, "bytesProcessed", report.bytesProcessed());
    putLong(node, "bytesBilled", report.bytesBilled());
    putMillis(node, "queuedMs", report.queued());
    putMillis(node, "executingMs", report.executing());
    putMillis(node, "fetchingMs", report.fetching());
    ArrayNode attempts = node.putArray("attempts");
    report.attempts().forEach(attempt -> attempts.add(attempt(attempt)));
    ArrayNode events = node.putArray("events");
    for (ReportEvent event : report.events()) {
      ObjectNode eventNode = events.addObject();
      eventNode.put("kind", event.kind().name());
      eventNode.put("atMs", event.at().toMillis());
      eventNode.put("players", event.players());
      eventNode.put("detail", event.detail());
    }
    return node;
  }

  private static ObjectNode attempt(QueryAttempt attempt) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", attempt.id());
    node.put("stage", attempt.stage());
    node.put("players", attempt.players().size());
    node.put("attempt", attempt.attempt());
    node.put("outcome", attempt.outcome().name());
    node.put("startedAtMs", attempt.startedAt().toMillis());
    node.put("durationMs", attempt.duration().toMillis());
    node.put("rows", attempt.rows());
    node.put("cancelled", attempt.cancelled());
    if (attempt.failure().isPresent()) {
      node.set("error", error(attempt.failure().get()));
    } else {
      node.putNull("error");
    }
    Optional<BackendStatistics> statistics = attempt.statistics();
    putString(node, "jobId", statistics.flatMap(BackendStatistics::jobId));
    putString(node, "queryId", statistics.flatMap(BackendStatistics::queryId));
    putString(node, "jobCreationReason", statistics.flatMap(BackendStatistics::jobCreationReason));
    putLong(node, "requests", statistics.map(BackendStatistics::requests).orElse(OptionalLong.empty()));
    putLong(node, "bytesProcessed", statistics.map(BackendStatistics::bytesProcessed).orElse(OptionalLong.empty()));
    putLong(node, "bytesBilled", statistics.map(BackendStatistics::bytesBilled).orElse(OptionalLong.empty()));
    Optional<Boolean> cacheHit = statistics.flatMap(BackendStatistics::cacheHit);
    if (cacheHit.isPresent()) {
      node.put("cacheHit", cacheHit.get());
    } else {
      node.putNull("cacheHit");
    }
    putLong(node, "slotMillis", statistics.map(BackendStatistics::slotMillis).orElse(OptionalLong.empty()));
    putMillis(node, "queuedMs", statistics.flatMap(BackendStatistics::queued));
    putMillis(node, "executingMs", statistics.flatMap(BackendStatistics::executing));
    putMillis(node, "fetchingMs", statistics.flatMap(BackendStatistics::fetching));
    return node;
  }

  private static void putInt(ObjectNode node, String field, OptionalInt value) {
    if (value.isPresent()) {
      node.put(field, value.getAsInt());
    } else {
      node.putNull(field);
    }
  }

  private static void putLong(ObjectNode node, String field, OptionalLong value) {
    if (value.isPresent()) {
      node.put(field, value.getAsLong());
    } else {
      node.putNull(field);
    }
  }

  private static void putLong(ObjectNode node, String field, Optional<Long> value) {
    if (value.isPresent()) {
      node.put(field, value.get().longValue());
    } else {
      node.putNull(field);
    }
  }

  private static void putString(ObjectNode node, String field, Optional<String> value) {
    if (value.isPresent()) {
      node.put(field, value.get());
    } else {
      node.putNull(field);
    }
  }

  private static void putMillis(ObjectNode node, String field, Optional<Duration> value) {
    if (value.isPresent()) {
      node.put(field, value.get().toMillis());
    } else {
      node.putNull(field);
    }
  }
}
