package dev.gamehistory.loader.internal.concurrent;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.spi.LoaderWork;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Waiting for loads, and the failure a player gets when a whole load's future failed. */
public final class Futures {

  private Futures() {}

  /**
   * The future's value, blocking; an interrupt cancels the future.
   *
   * @throws LoadCancelledException when the calling thread is interrupted
   */
  public static <T> T await(CompletableFuture<T> future) {
    return await(LoaderWork.direct(), future);
  }

  /**
   * The future's value, waited for through {@code work} (a manual clock drives time there); an
   * interrupt cancels the future.
   *
   * @throws LoadCancelledException when the calling thread is interrupted
   */
  public static <T> T await(LoaderWork work, CompletableFuture<T> future) {
    try {
      return work.join(future);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw LoadCancelledException.of("the loading thread was interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("load failed unexpectedly", cause);
    }
  }

  /** The loader work the last call into a loader on this thread went through, for {@link #awaitNoted}. */
  private static final ThreadLocal<LoaderWork> NOTED = new ThreadLocal<>();

  /** Notes that a caller's call into a loader on this thread went through {@code work}. */
  public static void note(LoaderWork work) {
    NOTED.set(work);
  }

  /**
   * Starts a load with {@code start} and waits for it through the loader work that load went through
   * (noted by a loader of this library during the call: a manual clock drives itself), else directly.
   * What {@code load()} of a loader that implements only {@code loadAsync} does: a decorator over an
   * engine on a manual clock still drives it.
   *
   * @throws LoadCancelledException when the calling thread is interrupted
   */
  public static <T> T awaitNoted(java.util.function.Supplier<CompletableFuture<T>> start) {
    NOTED.remove();
    CompletableFuture<T> future;
    LoaderWork work;
    try {
      future = start.get();
      work = NOTED.get();
    } finally {
      NOTED.remove();
    }
    return await(work != null ? work : LoaderWork.direct(), future);
  }

  /** Waits up to the deadline grace for {@code executor} to end; an interrupt is kept, not thrown. */
  public static void awaitQuietly(ExecutorService executor) {
    try {
      executor.awaitTermination(HistoricalGamesLoader.DEADLINE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The outcome of a player a loader's result left out, against its contract: a permanent failure naming it. */
  public static PlayerOutcome.Failed missingOutcome(String player) {
    return new PlayerOutcome.Failed(player, BackendException.permanentError(
        "missing-outcome", "the wrapped loader gave no outcome for player '" + player + "'", null));
  }

  /**
   * {@code error} as text for a message or a log line: its {@code toString()}, or only its class
   * name when that throws (a throwable's own code runs there), never throwing itself.
   */
  public static String describe(Throwable error) {
    try {
      return String.valueOf(error);
    } catch (Throwable broken) {
      return error.getClass().getName() + " (its description failed: " + broken.getClass().getName() + ")";
    }
  }

  /**
   * The innermost cause of {@code error} through {@link CompletionException}s and
   * {@link ExecutionException}s, stopping at a cycle or after 32 steps.
   */
  public static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    for (int depth = 0; depth < 32 && (cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null && cause.getCause() != cause; depth++) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * The cause a player gets when the future of the load that was to answer it failed as a whole:
   * its own {@link LoaderException}, a cancellation for {@code cancelled}, or a permanent backend
   * failure naming what the loader threw.
   */
  public static LoaderException causeOf(Throwable error, String cancelled) {
    Throwable cause = unwrap(error);
    if (cause instanceof LoaderException loaderException) {
      return loaderException;
    }
    if (cause instanceof CancellationException) {
      return LoadCancelledException.of(cancelled);
    }
    return BackendException.permanentError("loader-failed", "the loader failed: " + describe(cause), cause);
  }
}
