/** Micrometer metrics of loads and queries: {@link dev.gamehistory.loader.micrometer.LoaderMetrics}. */
@NullMarked
package dev.gamehistory.loader.micrometer;

import org.jspecify.annotations.NullMarked;
