package dev.gamehistory.loader.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/** Names and tags the observation of a load; implement it to rename or add keys. */
public interface LoadObservationConvention extends ObservationConvention<LoadObservationContext> {

  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof LoadObservationContext;
  }
}
