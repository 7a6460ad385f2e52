package dev.gamehistory.loader.testkit.property;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The threads a loader starts: every one is named {@code hgl-...}, so the ones alive now that were not
 * alive before the loader was built are its own. Waits for them to end with {@link Thread#join}; never
 * sleeps.
 */
final class LoaderThreads {

  /** The prefix of every thread the engine starts. */
  static final String PREFIX = "hgl-";

  private LoaderThreads() {}

  /** Every live thread. */
  static Set<Thread> live() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[Math.max(16, root.activeCount() * 2)];
    int count;
    while ((count = root.enumerate(threads, true)) == threads.length) {
      threads = new Thread[threads.length * 2];
    }
    return new HashSet<>(Arrays.asList(threads).subList(0, count));
  }

  /** The live {@code hgl-} threads that are not in {@code baseline}. */
  static List<Thread> started(Set<Thread> baseline) {
    List<Thread> started = new ArrayList<>();
    for (Thread thread : live()) {
      if (thread.getName().startsWith(PREFIX) && !baseline.contains(thread)) {
        started.add(thread);
      }
    }
    return started;
  }

  /**
   * Waits, at most {@code bound} of real time in all, for the {@code hgl-} threads not in
   * {@code baseline} to end.
   *
   * @return the names of those still alive then
   */
  static List<String> awaitEnded(Set<Thread> baseline, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    List<String> alive = new ArrayList<>();
    for (Thread thread : started(baseline)) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + thread.getName(), e);
      }
      if (thread.isAlive()) {
        alive.add(thread.getName() + " (" + thread.getState() + ")");
      }
    }
    return alive;
  }
}
