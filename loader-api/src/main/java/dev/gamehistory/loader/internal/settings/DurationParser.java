package dev.gamehistory.loader.internal.settings;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and prints the durations of settings.
 *
 * <p>Accepted: a decimal number with a unit {@code ms}, {@code s}, {@code m} or {@code h}
 * ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1.5s}), a bare {@code 0}, and
 * ISO-8601 ({@code PT30S}, {@code pt1m30s}), all case-insensitive. A leading {@code -} gives a
 * negative duration, which the caller rejects with a message of its own. Printing picks the largest
 * unit that keeps the value exact ({@code 1500ms}, {@code 2m}) and falls back to ISO-8601 for
 * sub-millisecond values, so {@code parse(format(d)).equals(d)} for every duration.
 */
public final class DurationParser {

  /** What a duration may look like, for error messages. */
  public static final String FORMS = "use 500ms, 30s, 2m or ISO-8601 like PT30S";

  private static final Pattern UNIT_FORM = Pattern.compile("(-?)([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
  private static final BigInteger MAX_SECONDS = BigInteger.valueOf(Long.MAX_VALUE);

  private DurationParser() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException when the text is none of the accepted forms, finer than a
   *     nanosecond or too large for {@link Duration}
   */
  public static Duration parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.equals("0") || value.equals("-0")) {
      return Duration.ZERO;
    }
    if (value.startsWith("p") || value.startsWith("-p") || value.startsWith("+p")) {
      try {
        return Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not a duration: " + text, e);
      }
    }
    Matcher matcher = UNIT_FORM.matcher(value);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    BigDecimal nanos = new BigDecimal(matcher.group(2)).multiply(nanosPerUnit(matcher.group(3)));
    BigInteger wholeNanos;
    try {
      wholeNanos = nanos.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("not a duration (finer than a nanosecond): " + text, e);
    }
    BigInteger[] secondsAndNanos = wholeNanos.divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
    if (secondsAndNanos[0].compareTo(MAX_SECONDS) > 0) {
      throw new IllegalArgumentException("not a duration (too long): " + text);
    }
    Duration duration = Duration.ofSeconds(secondsAndNanos[0].longValue(), secondsAndNanos[1].longValue());
    return matcher.group(1).isEmpty() ? duration : duration.negated();
  }

  /**
   * Prints a duration in the shortest exact form: {@code 0s}, {@code 1h}, {@code 2m}, {@code 30s},
   * {@code 1500ms}, else ISO-8601 ({@code PT0.0000015S}); negative durations as ISO-8601.
   */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      return duration.toString();
    }
    long seconds = duration.getSeconds();
    int nanos = duration.getNano();
    if (nanos == 0) {
      if (seconds == 0) {
        return "0s";
      }
      if (seconds % 3600 == 0) {
        return seconds / 3600 + "h";
      }
      if (seconds % 60 == 0) {
        return seconds / 60 + "m";
      }
      return seconds + "s";
    }
    if (nanos % 1_000_000 == 0 && seconds < Long.MAX_VALUE / 1000 - 1) {
      return (seconds * 1000 + nanos / 1_000_000) + "ms";
    }
    return duration.toString();
  }

  private static BigDecimal nanosPerUnit(String unit) {
    return switch (unit) {
      case "ms" -> BigDecimal.valueOf(1_000_000L);
      case "s" -> NANOS_PER_SECOND;
      case "m" -> NANOS_PER_SECOND.multiply(BigDecimal.valueOf(60));
      case "h" -> NANOS_PER_SECOND.multiply(BigDecimal.valueOf(3600));
      default -> throw new IllegalStateException("no such unit: " + unit);
    };
  }
}
