package dev.gamehistory.loader.bigquery;

import dev.gamehistory.loader.inmemory.GameRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/** Seeds emulator tables from the testkit's rows, each under a new name. */
final class EmulatorTables {

  private static final AtomicInteger TABLES = new AtomicInteger();

  private EmulatorTables() {}

  /** A table name not used before in this run, in dataset {@code dataset}. */
  static String newTable(String dataset, String prefix) {
    return dataset + "." + prefix + "_" + TABLES.incrementAndGet();
  }

  /** Creates {@code table} (partitioned, clustered) holding exactly {@code rows}. */
  static void seed(BigQueryEmulator emulator, String table, List<GameRow> rows) {
    BigQueryTableSeeder.builder().client(emulator.client()).table(table).build().seed(seedRows(rows));
  }

  /** The rows as the seeder takes them; a missing team or game id becomes {@code UNK} or a made-up id. */
  static List<SeedRow> seedRows(List<GameRow> rows) {
    List<SeedRow> seedRows = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      GameRow row = rows.get(i);
      seedRows.add(new SeedRow(row.playerLookup(), row.gameDate(),
          row.teamAbbr() == null ? "UNK" : row.teamAbbr(),
          row.opponentTeamAbbr(),
          row.gameId() == null ? "game-" + i : row.gameId(),
          row.points() == null ? OptionalInt.empty() : OptionalInt.of(row.points()),
          Optional.ofNullable(row.minutesPlayed())));
    }
    return seedRows;
  }
}
