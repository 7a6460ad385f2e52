package dev.gamehistory.loader.bigquery.internal;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The source table's columns the backend knows, by their default names; each may be mapped to
 * another name with {@code bigquery.columns.<field>}.
 */
public enum Column {
  /** The player's lookup key, {@code STRING NOT NULL}. */
  PLAYER_LOOKUP("player_lookup"),
  /** The game's date, {@code DATE NOT NULL}; the table's partitioning column. */
  GAME_DATE("game_date"),
  /** The opponent's abbreviation, {@code STRING NOT NULL}. */
  OPPONENT_TEAM_ABBR("opponent_team_abbr"),
  /** Points scored, {@code INT64}. */
  POINTS("points"),
  /** Minutes played, {@code NUMERIC(5,1)}. */
  MINUTES_PLAYED("minutes_played"),
  /** The player's team, {@code STRING}; used only when seeding. */
  TEAM_ABBR("team_abbr"),
  /** The game's id, {@code STRING}; used only when seeding. */
  GAME_ID("game_id");

  private final String field;

  Column(String field) {
    this.field = field;
  }

  /** The field's name, which is also the column's default name and the key suffix. */
  public String field() {
    return field;
  }

  /** The column of the given field name, e.g. {@code points}. */
  public static Column ofField(String field) {
    for (Column column : values()) {
      if (column.field.equals(field)) {
        return column;
      }
    }
    throw new IllegalArgumentException("unknown field '" + field + "'; known: " + fieldNames());
  }

  /** The known field names, comma-separated. */
  public static String fieldNames() {
    return Arrays.stream(values()).map(Column::field).collect(Collectors.joining(", "));
  }

  /** The fields the loader's query reads. */
  public static List<Column> queried() {
    return List.of(PLAYER_LOOKUP, GAME_DATE, OPPONENT_TEAM_ABBR, POINTS, MINUTES_PLAYED);
  }
}
