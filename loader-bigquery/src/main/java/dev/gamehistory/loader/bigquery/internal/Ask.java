package dev.gamehistory.loader.bigquery.internal;

import com.google.api.services.bigquery.model.QueryParameter;
import com.google.api.services.bigquery.model.TableRow;
import com.google.api.services.bigquery.model.TableSchema;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.WindowQuery;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one query asks of BigQuery: the statement, its parameters, its size and how its rows are
 * read. A query of one date asks the game-day statement ({@link GamesSql#sql()}) and reads its rows
 * with a {@link RowMapper}; a query of several dates the multi-date statement ({@link
 * GamesSql#datesSql()}) and a {@link DatesRowMapper}.
 */
interface Ask {

  /** The most bytes a multi-date request may send: BigQuery takes 10 MB; this leaves room to spare. */
  long MAX_REQUEST_BYTES = 8L * 1024 * 1024;

  /** The statement's text. */
  String sql();

  /** Its named parameters, in the REST model. */
  List<QueryParameter> parameters();

  /** Players (one date) or (date, player) pairs (several). */
  int size();

  /** {@code player(s)} or {@code pair(s) of n date(s)}, for messages. */
  String unit();

  /** At most how many bytes its request sends; see {@link #requestBytes(DatesQuery)}. */
  long requestBytes();

  /** Where the rows of a result with {@code schema} go. */
  Rows rows(@Nullable TableSchema schema);

  /** Where one query's rows go, one at a time. */
  interface Rows {
    /** Reads one row. */
    void add(TableRow row);

    /** Rows read so far. */
    long rows();
  }

  /** What a query of one date asks. */
  static Ask of(GamesSql sql, WindowQuery query) {
    return new Ask() {
      @Override
      public String sql() {
        return sql.sql();
      }

      @Override
      public List<QueryParameter> parameters() {
        return sql.parameters(query);
      }

      @Override
      public int size() {
        return query.players().size();
      }

      @Override
      public String unit() {
        return "player(s)";
      }

      @Override
      public long requestBytes() {
        return Ask.requestBytes(query);
      }

      @Override
      public Rows rows(@Nullable TableSchema schema) {
        return new RowMapper(schema, Set.copyOf(query.players()), query.maxGames());
      }
    };
  }

  /** What a query of several dates asks. */
  static Ask of(GamesSql sql, DatesQuery query) {
    return new Ask() {
      @Override
      public String sql() {
        return sql.datesSql();
      }

      @Override
      public List<QueryParameter> parameters() {
        return sql.datesParameters(query);
      }

      @Override
      public int size() {
        return query.pairs();
      }

      @Override
      public String unit() {
        return "pair(s) of " + query.slates().size() + " date(s)";
      }

      @Override
      public long requestBytes() {
        return Ask.requestBytes(query);
      }

      @Override
      public Rows rows(@Nullable TableSchema schema) {
        return new DatesRowMapper(schema, query);
      }
    };
  }

  /**
   * At most how many bytes the request of {@code query} sends: the statement and the scalars (4 KB),
   * and each pair's {@code {"value":"..."}} twice (the pair and the distinct players, a bound) and its
   * date's, with a character outside printable ASCII counted as its escape, six bytes.
   */
  static long requestBytes(DatesQuery query) {
    long bytes = 4096;
    for (List<String> slate : query.slates().values()) {
      for (String player : slate) {
        bytes += 2 * (12 + jsonLength(player)) + 25;
      }
    }
    return bytes;
  }

  /** At most how many bytes the request of a query of one date sends: 4 KB and each player's value. */
  static long requestBytes(WindowQuery query) {
    long bytes = 4096;
    for (String player : query.players()) {
      bytes += 12 + jsonLength(player);
    }
    return bytes;
  }

  /** The length of {@code text} in a JSON string, a character outside printable ASCII counted as its six-byte escape. */
  private static long jsonLength(String text) {
    long length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      length += c == '"' || c == '\\' ? 2 : c < 0x20 || c > 0x7e ? 6 : 1;
    }
    return length;
  }
}
