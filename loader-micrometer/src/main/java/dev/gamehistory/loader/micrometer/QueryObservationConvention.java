package dev.gamehistory.loader.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/** Names and tags the observation of a query attempt; implement it to rename or add keys. */
public interface QueryObservationConvention extends ObservationConvention<QueryObservationContext> {

  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof QueryObservationContext;
  }
}
