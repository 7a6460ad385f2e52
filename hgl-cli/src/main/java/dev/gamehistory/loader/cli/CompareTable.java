package dev.gamehistory.loader.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gamehistory.loader.cli.Comparison.Measurement;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * What {@code hgl compare} prints: a table per players count (text), or every measurement with its
 * runs (JSON); each side's median against the bare client's.
 */
final class CompareTable {

  private CompareTable() {}

  /** The tables, one per players count, in the order the counts were given. */
  static void text(PrintWriter out, String backend, LocalDate date, int roundCount, @Nullable String proxy,
      List<Measurement> measurements) {
    out.printf(Locale.ROOT, "hgl compare: %s; game date %s; %d measured %s after 1 warm-up, interleaved%n", backend,
        date, roundCount, roundCount == 1 ? "round" : "rounds");
    int width = Math.max(8, measurements.stream().mapToInt(m -> m.describe().length()).max().orElse(0));
    String header = "  %-" + width + "s  %9s  %15s  %8s  %8s  %6s  %6s%n";
    String row = "  %-" + width + "s  %9s  %15s  %8s  %8s  %6d  %6s%n";
    for (int players : playersCounts(measurements)) {
      List<Measurement> table = measurements.stream().filter(m -> m.players() == players).toList();
      Measurement bare = table.stream().filter(Measurement::bare).findFirst().orElse(null);
      out.println();
      out.printf(Locale.ROOT, "%d players%n", players);
      out.printf(Locale.ROOT, header, "side", "median ms", "min-max ms", "rows", "requests", "failed", "x bare");
      for (Measurement m : table) {
        OptionalDouble ratio = ratio(m, bare);
        out.printf(Locale.ROOT, row, m.describe(), millis(m.median()), range(m), count(m.medianRows()),
            count(m.medianRequests()), m.failedRuns(),
            ratio.isPresent() ? String.format(Locale.ROOT, "%.2f", ratio.getAsDouble()) : "-");
      }
      if (table.stream().anyMatch(m -> !m.requestsByKind().isEmpty())) {
        out.println();
        out.println("  requests by kind, median per load");
        for (Measurement m : table) {
          String name = m.describe();
          for (Map.Entry<String, Double> kind : m.medianRequestsByKind().entrySet()) {
            out.printf(Locale.ROOT, "    %-" + width + "s  %6s  %s%n", name, count(OptionalDouble.of(kind.getValue())),
                kind.getKey());
            name = "";
          }
        }
      }
      if (table.stream().anyMatch(m -> m.medianAfterJobEnd().isPresent())) {
        out.println();
        out.println("  from the end of the load's last job to its answer (the proxy's jobs), median ms");
        for (Measurement m : table) {
          out.printf(Locale.ROOT, "    %-" + width + "s  %8s%n", m.describe(), millis(m.medianAfterJobEnd()));
        }
      }
      for (Measurement m : table) {
        if (!rowsMatch(m, bare).orElse(true)) {
          out.printf(Locale.ROOT, "  %s: median rows %s differ from bare's %s%n", m.describe(), count(m.medianRows()),
              count(bare.medianRows()));
        }
        if (m.firstFailure() != null) {
          out.printf(Locale.ROOT, "  %s: %d of %d measured %s failed; first: %s%n", m.describe(), m.failedRuns(),
              roundCount, m.bare() ? "queries" : "loads", m.firstFailure());
        }
      }
    }
    out.println();
    out.println("  bare: google-cloud-bigquery's BigQuery.query() on the library's SQL and parameters, reading every"
        + " row of iterateAll()");
    out.println("  wall time per load; rows and requests: the median per load; requests: HTTP requests "
        + (proxy == null ? "(- without --proxy-stats)" : "counted by the proxy at " + proxy));
    out.println("  failed: measured runs that failed, left out of the other columns (a load fails when any player"
        + " fails)");
    out.println("  x bare: median / bare's median for the same players count");
  }

  /** Every measurement with its runs, its medians and its ratio to the bare client. */
  static ObjectNode json(String backend, LocalDate date, int roundCount, @Nullable String proxy,
      List<Measurement> measurements) {
    ObjectNode root = JsonReport.MAPPER.createObjectNode();
    root.put("backend", backend);
    root.put("gameDate", date.toString());
    root.put("warmups", 1);
    root.put("rounds", roundCount);
    if (proxy == null) {
      root.putNull("proxyStats");
    } else {
      root.put("proxyStats", proxy);
    }
    ArrayNode results = root.putArray("results");
    for (Measurement m : measurements) {
      Measurement bare = measurements.stream().filter(o -> o.players() == m.players() && o.bare()).findFirst()
          .orElse(null);
      ObjectNode node = results.addObject();
      node.put("players", m.players());
      node.put("side", m.side());
      node.put("describe", m.describe());
      putNumber(node, "medianMs", m.median());
      putNumber(node, "minMs", m.min());
      putNumber(node, "maxMs", m.max());
      ArrayNode all = node.putArray("runsMs");
      m.millis().forEach(all::add);
      putNumber(node, "medianRows", m.medianRows());
      putNumber(node, "medianRequests", m.medianRequests());
      ObjectNode kinds = node.putObject("medianRequestsByKind");
      m.medianRequestsByKind().forEach(kinds::put);
      putNumber(node, "medianAfterJobEndMs", m.medianAfterJobEnd());
      node.put("failedRuns", m.failedRuns());
      if (m.firstFailure() == null) {
        node.putNull("firstFailure");
      } else {
        node.put("firstFailure", m.firstFailure());
      }
      putNumber(node, "ratioToBare", ratio(m, bare));
      Optional<Boolean> rowsMatch = rowsMatch(m, bare);
      if (rowsMatch.isPresent()) {
        node.put("rowsMatchBare", rowsMatch.get());
      } else {
        node.putNull("rowsMatchBare");
      }
    }
    return root;
  }

  private static void putNumber(ObjectNode node, String field, OptionalDouble value) {
    if (value.isPresent()) {
      node.put(field, value.getAsDouble());
    } else {
      node.putNull(field);
    }
  }

  private static List<Integer> playersCounts(List<Measurement> measurements) {
    List<Integer> counts = new ArrayList<>();
    measurements.forEach(m -> {
      if (!counts.contains(m.players())) {
        counts.add(m.players());
      }
    });
    return counts;
  }

  /** The median over bare's median; empty when either has no successful run. */
  static OptionalDouble ratio(Measurement m, @Nullable Measurement bare) {
    if (bare == null || bare.median().isEmpty() || m.median().isEmpty()) {
      return OptionalDouble.empty();
    }
    double reference = bare.median().getAsDouble();
    return OptionalDouble.of(reference <= 0 ? 1.0 : m.median().getAsDouble() / reference);
  }

  /** Whether the median rows equal bare's; empty when either has no successful run. */
  static Optional<Boolean> rowsMatch(Measurement m, @Nullable Measurement bare) {
    if (bare == null || bare.medianRows().isEmpty() || m.medianRows().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(m.medianRows().getAsDouble() == bare.medianRows().getAsDouble());
  }

  private static String millis(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%.1f", value.getAsDouble()) : "-";
  }

  private static String range(Measurement m) {
    return m.min().isPresent()
        ? String.format(Locale.ROOT, "%.1f-%.1f", m.min().getAsDouble(), m.max().getAsDouble()) : "-";
  }

  /** A median count: whole, or with one decimal when it lies between two. */
  static String count(OptionalDouble median) {
    if (median.isEmpty()) {
      return "-";
    }
    double value = median.getAsDouble();
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
  }
}
