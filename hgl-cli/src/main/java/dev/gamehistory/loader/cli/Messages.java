package dev.gamehistory.loader.cli;

/** One-line messages of exceptions, for the lines {@code hgl compare} prints about failed runs. */
final class Messages {

  private Messages() {}

  /** The first line of the exception's message, or its class name when it has none. */
  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getName() : firstLine(message);
  }

  /** The text up to its first line break, without trailing blanks. */
  static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).stripTrailing();
  }
}
