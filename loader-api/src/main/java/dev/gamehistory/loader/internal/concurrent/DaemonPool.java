package dev.gamehistory.loader.internal.concurrent;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cached pool of daemon threads a loader starts ({@code hgl-worker-N-M}, {@code hgl-cache-N-M},
 * {@code hgl-batch-N-M}): a thread per task at once, idle ones ending after 30 s, each marked with
 * the object that owns the pool so that it can tell when it runs on one of its own. It knows its
 * live threads, so that a close can wait until none is left alive, not only until the pool is done.
 */
public final class DaemonPool extends ThreadPoolExecutor {

  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  private DaemonPool(String prefix, Object owner) {
    super(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>());
    AtomicInteger count = new AtomicInteger();
    setThreadFactory(runnable -> {
      Owned thread = new Owned(owner, runnable, prefix + "-" + count.incrementAndGet(), threads);
      threads.add(thread);
      return thread;
    });
  }

  /** A pool whose threads are named {@code prefix-1}, {@code prefix-2}, ... and owned by {@code owner}. */
  public static DaemonPool create(String prefix, Object owner) {
    return new DaemonPool(prefix, owner);
  }

  /** Whether the calling thread is one of the threads of a pool {@code owner} created. */
  public static boolean runsOn(Object owner) {
    return Thread.currentThread() instanceof Owned owned && owned.owner == owner;
  }

  /**
   * Waits, at most {@code millis} in all, until the pool has terminated and every thread it started
   * has ended (joined, so none is still alive). An interrupt is kept, not thrown.
   *
   * @return whether they have
   */
  public boolean awaitThreads(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    try {
      if (!awaitTermination(millis, TimeUnit.MILLISECONDS)) {
        return false;
      }
      for (Thread thread : List.copyOf(threads)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return !thread.isAlive();
        }
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
      return threads.stream().noneMatch(Thread::isAlive);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A pool thread, marked with its owner; it leaves the pool's set when it ends. */
  private static final class Owned extends Thread {
    final Object owner;
    private final Set<Thread> live;

    Owned(Object owner, Runnable task, String name, Set<Thread> live) {
      super(task, name);
      this.owner = owner;
      this.live = live;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        super.run();
      } finally {
        live.remove(this);
      }
    }
  }
}
