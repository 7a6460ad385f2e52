package dev.gamehistory.loader.internal;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cached pools of daemon threads the loaders start ({@code hgl-worker-N-M}, {@code hgl-cache-N-M},
 * {@code hgl-batch-N-M}): a thread per task at once, idle ones ending after 30 s, each marked with
 * the object that owns the pool so that it can tell when it runs on one of its own.
 */
final class DaemonPool {

  private DaemonPool() {}

  /** A pool whose threads are named {@code prefix-1}, {@code prefix-2}, ... and owned by {@code owner}. */
  static ThreadPoolExecutor create(String prefix, Object owner) {
    AtomicInteger threads = new AtomicInteger();
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        runnable -> new Owned(owner, runnable, prefix + "-" + threads.incrementAndGet()));
  }

  /** Whether the calling thread is one of the threads of a pool {@code owner} created. */
  static boolean runsOn(Object owner) {
    return Thread.currentThread() instanceof Owned owned && owned.owner == owner;
  }

  /** A pool thread, marked with its owner. */
  private static final class Owned extends Thread {
    final Object owner;

    Owned(Object owner, Runnable task, String name) {
      super(task, name);
      this.owner = owner;
      setDaemon(true);
    }
  }
}
