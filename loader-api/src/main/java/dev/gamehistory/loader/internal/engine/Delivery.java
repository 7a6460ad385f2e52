package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoadScope;
import dev.gamehistory.loader.internal.concurrent.Futures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a load ends and is heard: its listeners hear what happened in order (the load's start, each
 * query's start and end, the load's end) and then the caller's future completes, outside the load's
 * lock and on an engine worker: a timer thread or a caller's thread hands the telling to a worker, so
 * a slow listener or callback never holds up the shared timer (or anything else that runs on it).
 */
final class Delivery {

  private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);

  private final Engine engine;
  private final LoadScope scope;
  private final Object runLock;
  private final Runnable onFinished;
  private final CompletableFuture<LoadResult> result;
  /** Held by the one thread telling the listeners; never taken while holding the load's lock. */
  private final ReentrantLock listening = new ReentrantLock();

  // Guarded by this; taken inside the load's lock, never the other way round.
  /** What the listeners have not heard yet, in order. */
  private final List<Consumer<LoadListener>> unheard = new ArrayList<>();
  private @Nullable LoadResult completion;

  /**
   * @param runLock the load's lock: a thread that holds it never tells (its outer caller does)
   * @param onFinished run once the listeners heard the end, before the future completes
   */
  Delivery(Engine engine, LoadScope scope, Object runLock, Runnable onFinished, CompletableFuture<LoadResult> result) {
    this.engine = engine;
    this.scope = scope;
    this.runLock = runLock;
    this.onFinished = onFinished;
    this.result = result;
  }

  /** Queues an event for the listeners. */
  synchronized void add(Consumer<LoadListener> event) {
    unheard.add(event);
  }

  /** Queues the load's end: the listeners hear it after everything before it, then the future completes. */
  synchronized void complete(LoadResult finished) {
    completion = finished;
  }

  private synchronized boolean isEmpty() {
    return unheard.isEmpty() && completion == null;
  }

  /** Tells the listeners what they have not heard yet, and completes the future when the load ended. */
  void deliver() {
    if (Thread.holdsLock(runLock)) {
      // A time source ran a task on the thread that holds the lock: the outer caller delivers.
      return;
    }
    if (!engine.isOwnWorker()) {
      if (isEmpty()) {
        return;
      }
      try {
        engine.run(this::deliver);
        return;
      } catch (RejectedExecutionException closed) {
        // The engine is closing: tell them here.
      }
    }
    // One thread at a time tells the listeners, in order; a thread that finds another one at it
    // leaves what it recorded to that one, which looks again before it lets go. Nobody blocks.
    while (listening.tryLock()) {
      LoadResult finished = null;
      try {
        List<Consumer<LoadListener>> heard;
        synchronized (this) {
          finished = completion;
          completion = null;
          heard = unheard.isEmpty() ? List.of() : List.copyOf(unheard);
          unheard.clear();
        }
        for (Consumer<LoadListener> event : heard) {
          for (LoadListener listener : engine.listeners()) {
            tell(listener, () -> event.accept(listener));
          }
        }
        if (finished != null) {
          LoadResult ended = finished;
          for (LoadListener listener : engine.listeners()) {
            tell(listener, () -> listener.onLoadEnd(scope, ended));
          }
        }
      } finally {
        listening.unlock();
        if (finished != null) {
          onFinished.run();
          result.complete(finished);
        }
      }
      if (isEmpty()) {
        return;
      }
    }
  }

  private static void tell(LoadListener listener, Runnable call) {
    try {
      call.run();
    } catch (Throwable e) {
      // Whatever it throws (an Error, an undeclared checked exception, one whose description
      // throws too): the load is still delivered.
      LOG.warn("load listener {} failed; ignored: {}", listener, Futures.describe(e));
    }
  }
}
