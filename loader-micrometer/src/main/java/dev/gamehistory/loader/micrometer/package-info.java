/**
 * Micrometer metrics and observations of loads and queries:
 * {@link dev.gamehistory.loader.micrometer.LoaderMetrics} (meters) and
 * {@link dev.gamehistory.loader.micrometer.LoaderObservations} (an {@code Observation} per load and
 * per query attempt, for traces).
 */
@NullMarked
package dev.gamehistory.loader.micrometer;

import org.jspecify.annotations.NullMarked;
