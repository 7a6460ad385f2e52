package dev.gamehistory.loader.internal.text;

/** A count with its noun in the right number, for messages and reports: {@code 1 query}, {@code 2 queries}. */
public final class Plural {

  private Plural() {}

  /** {@code n} and {@code one} when {@code n} is 1, else {@code n} and {@code many}. */
  public static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
