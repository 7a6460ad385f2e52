package dev.gamehistory.loader.inmemory;

/**
 * A CSV file of games is malformed. The message reads {@code FILE:LINE: <problem>; got '<value>'}
 * (values longer than 80 characters are cut, marked with {@code ...}).
 */
public final class CsvFormatException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;
  private static final int SHOWN = 80;

  private final String source;
  private final int line;
  private final String problem;
  private final String value;

  /** A problem at {@code source:line} with the given value. */
  public CsvFormatException(String source, int line, String problem, String value) {
    super(source + ":" + line + ": " + problem + "; got '" + shown(value) + "'");
    this.source = source;
    this.line = line;
    this.problem = problem;
    this.value = value;
  }

  /** The file (or other source) name. */
  public String source() {
    return source;
  }

  /** The 1-based line where the bad record starts. */
  public int line() {
    return line;
  }

  /** What is wrong, without file, line or value. */
  public String problem() {
    return problem;
  }

  /** The value found, uncut. */
  public String value() {
    return value;
  }

  private static String shown(String value) {
    return value.length() <= SHOWN ? value : value.substring(0, SHOWN) + "...";
  }
}
