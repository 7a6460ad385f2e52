package dev.gamehistory.loader;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A running backfill, read date by date in date order: {@link #next()} waits for the next date's
 * result and returns it by the backfill's deadline (plus the load's usual slack), whatever the
 * backend does. The loader runs ahead of the reader by a bounded number of dates, so memory is
 * bounded by the dates in flight, not by the season; a reader that stops early should
 * {@link #close()} it. Every requested (date, player) pair ends in exactly one outcome: loaded, or
 * failed with a typed cause (dates not reached by the deadline fail with
 * {@link DeadlineExceededException}, after {@link #cancel()} with {@link LoadCancelledException}).
 *
 * <p>One thread reads a backfill; {@link #cancel()}, {@link #close()} and {@link #report()} may be
 * called from any thread.
 */
public interface Backfill extends Iterator<DateResult>, AutoCloseable {

  /** Whether a date is left to hand out. Does not wait. */
  @Override
  boolean hasNext();

  /**
   * The next date's result, in date order, waiting for it.
   *
   * @throws NoSuchElementException when every date was handed out
   * @throws LoadCancelledException when the reading thread is interrupted while it waits (the
   *     backfill is cancelled and the thread's interrupt status set)
   */
  @Override
  DateResult next();

  /** Ends the backfill now: running queries are cancelled; the dates not yet done fail as cancelled. */
  void cancel();

  /** What the backfill did so far, each query counted once; final once every date was handed out. */
  BackfillReport report();

  /** Cancels the backfill unless every date was handed out. Idempotent. */
  @Override
  void close();

  /** The dates left, as a sequential stream in date order; closing the stream closes the backfill. */
  default Stream<DateResult> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
        false).onClose(this::close);
  }
}
