package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoadScope;
import dev.gamehistory.loader.internal.concurrent.Futures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a load ends and is heard: its listeners hear what happened in order (each date's start, each
 * query's start and end, each date's end) and, after a date's end was heard, the date's result goes
 * to whoever waits for it, outside the load's lock and on an engine worker: a timer thread or a
 * caller's thread hands the telling to a worker, so a slow listener or callback never holds up the
 * shared timer (or anything else that runs on it).
 */
final class Delivery {

  private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);

  /** Something to tell: an event for the listeners, or a date's end and what follows it. */
  private record Item(Consumer<LoadListener> event, Runnable then) {}

  private static final Runnable NOTHING = () -> {};

  private final Engine engine;
  private final Object runLock;
  /** Held by the one thread telling the listeners; never taken while holding the load's lock. */
  private final ReentrantLock listening = new ReentrantLock();

  // Guarded by this; taken inside the load's lock, never the other way round.
  /** What the listeners have not heard yet, in order. */
  private final List<Item> unheard = new ArrayList<>();

  /** @param runLock the load's lock: a thread that holds it never tells (its outer caller does) */
  Delivery(Engine engine, Object runLock) {
    this.engine = engine;
    this.runLock = runLock;
  }

  /** Queues an event for the listeners. */
  synchronized void add(Consumer<LoadListener> event) {
    unheard.add(new Item(event, NOTHING));
  }

  /**
   * Queues a date's end: the listeners hear it after everything before it, then {@code then} runs
   * (completing the caller's future, say), after the telling and in order.
   */
  synchronized void end(LoadScope scope, LoadResult result, Runnable then) {
    unheard.add(new Item(listener -> listener.onLoadEnd(scope, result), then));
  }

  private synchronized boolean isEmpty() {
    return unheard.isEmpty();
  }

  /** Tells the listeners what they have not heard yet, then runs what follows each end. */
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
      List<Runnable> then = new ArrayList<>();
      try {
        List<Item> heard;
        synchronized (this) {
          heard = unheard.isEmpty() ? List.of() : List.copyOf(unheard);
          unheard.clear();
        }
        for (Item item : heard) {
          for (LoadListener listener : engine.listeners()) {
            tell(listener, () -> item.event().accept(listener));
          }
          if (item.then() != NOTHING) {
            then.add(item.then());
          }
        }
      } finally {
        listening.unlock();
        then.forEach(Runnable::run);
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
