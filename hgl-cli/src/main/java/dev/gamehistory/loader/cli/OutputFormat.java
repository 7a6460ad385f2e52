package dev.gamehistory.loader.cli;

import java.util.Locale;

/** How a command prints its result. */
enum OutputFormat {
  /** A readable summary. */
  TEXT,
  /** JSON, for scripts. */
  JSON;

  /** Parses {@code text} or {@code json}, naming {@code --format} in the error. */
  static OutputFormat parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> throw new UsageException("--format", "must be text or json", value);
    };
  }
}
