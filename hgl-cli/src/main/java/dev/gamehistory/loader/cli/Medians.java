package dev.gamehistory.loader.cli;

import java.util.List;

/** The median that {@code hgl bench} and {@code hgl compare} report of their runs. */
final class Medians {

  private Medians() {}

  /** The middle value, or the mean of the middle two; 0 for no value. */
  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return 0;
    }
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
