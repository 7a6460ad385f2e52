package dev.gamehistory.loader;

import dev.gamehistory.loader.internal.Internals;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * One load as its {@linkplain LoadListener listeners} see it, from
 * {@link LoadListener#onLoadStart(LoadScope)} to {@link LoadListener#onLoadEnd(LoadScope, LoadResult)}:
 * the same instance in every callback of that load, with a place where a listener keeps its own state
 * between callbacks (a timer sample, a trace's observation), under a key of its own. Thread-safe.
 */
public final class LoadScope {

  private final LoadRequest request;
  private final ConcurrentMap<Object, Object> values = new ConcurrentHashMap<>();

  /** The scope of a load of {@code request}; made by a loader when the load starts. */
  public LoadScope(LoadRequest request) {
    this.request = Objects.requireNonNull(request, "request");
  }

  /** The load's request. */
  public LoadRequest request() {
    return request;
  }

  /** Keeps {@code value} under {@code key} for this load. */
  public void put(Object key, Object value) {
    values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
  }

  /**
   * The value kept under {@code key}, if any and of {@code type}.
   *
   * @throws ClassCastException when the value is of another type
   */
  public <T> @Nullable T get(Object key, Class<T> type) {
    return type.cast(values.get(key));
  }

  /** Removes and returns the value kept under {@code key}, if any and of {@code type}. */
  public <T> @Nullable T remove(Object key, Class<T> type) {
    return type.cast(values.remove(key));
  }

  @Override
  public String toString() {
    return "LoadScope{" + Internals.count(request.players().size(), "player", "players") + ", " + request.gameDate() + "}";
  }
}
