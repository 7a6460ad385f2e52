package dev.gamehistory.loader.inmemory;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits CSV text into records, RFC 4180 style: comma-separated fields, records ending with LF,
 * CRLF or CR, fields optionally in double quotes (which may hold commas, line breaks and doubled
 * quotes). Empty lines are skipped. A byte-order mark at the start is ignored.
 */
final class CsvTokenizer {

  private final String text;
  private final String source;
  private int pos;
  private int line = 1;

  /** A tokenizer over {@code text}, naming {@code source} in errors. */
  public CsvTokenizer(String text, String source) {
    this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
    this.source = source;
  }

  /**
   * One record of a CSV text.
   *
   * @param line the line it starts on, from 1
   * @param fields its fields, unquoted
   * @param raw its text as written, without the line break
   */
  public record Record(int line, List<String> fields, String raw) {
    /** Copies the fields. */
    public Record {
      fields = List.copyOf(fields);
    }
  }

  /**
   * The next record, or {@code null} at the end.
   *
   * @throws CsvFormatException for an unterminated quote or text after a closing quote
   */
  public @Nullable Record next() {
    while (pos < text.length() && isLineBreak(text.charAt(pos))) {
      skipLineBreak();
    }
    if (pos >= text.length()) {
      return null;
    }
    int startLine = line;
    int start = pos;
    List<String> fields = new ArrayList<>();
    while (true) {
      if (pos < text.length() && text.charAt(pos) == '"') {
        fields.add(quoted(start, startLine));
      } else {
        int end = pos;
        while (end < text.length() && text.charAt(end) != ',' && !isLineBreak(text.charAt(end))) {
          end++;
        }
        fields.add(text.substring(pos, end));
        pos = end;
      }
      if (pos >= text.length()) {
        return new Record(startLine, fields, text.substring(start, pos));
      }
      char c = text.charAt(pos);
      if (c == ',') {
        pos++;
        continue;
      }
      if (isLineBreak(c)) {
        String raw = text.substring(start, pos);
        skipLineBreak();
        return new Record(startLine, fields, raw);
      }
      throw new CsvFormatException(source, startLine, "unexpected character after a closing quote",
          text.substring(start, lineEnd(pos)));
    }
  }

  private String quoted(int recordStart, int recordLine) {
    StringBuilder value = new StringBuilder();
    pos++;
    while (true) {
      if (pos >= text.length()) {
        throw new CsvFormatException(source, recordLine, "unterminated quoted field", text.substring(recordStart));
      }
      char c = text.charAt(pos);
      if (c == '"') {
        if (pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
          value.append('"');
          pos += 2;
          continue;
        }
        pos++;
        return value.toString();
      }
      if (c == '\n' || (c == '\r' && !(pos + 1 < text.length() && text.charAt(pos + 1) == '\n'))) {
        line++;
      }
      value.append(c);
      pos++;
    }
  }

  private void skipLineBreak() {
    if (text.charAt(pos) == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
      pos++;
    }
    pos++;
    line++;
  }

  private int lineEnd(int from) {
    int end = from;
    while (end < text.length() && !isLineBreak(text.charAt(end))) {
      end++;
    }
    return end;
  }

  private static boolean isLineBreak(char c) {
    return c == '\n' || c == '\r';
  }
}
