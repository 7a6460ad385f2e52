package dev.gamehistory.loader.bigquery.internal;

import com.google.api.client.http.javanet.ConnectionFactory;
import com.google.api.client.http.javanet.DefaultConnectionFactory;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP requests of one query, abortable from another thread: {@link #abort()} disconnects the
 * connection of the request in flight, so that the thread blocked on it (a long-poll of up to the
 * wait slice) wakes at once with an {@link IOException}, and refuses every later request of the
 * query. Connections are attached by {@link #connections()}, the transport's connection factory,
 * to the exchange the calling thread {@linkplain #enter() entered}.
 *
 * <p>A disconnect cannot break off a TCP connect in progress (the JDK has no socket to close yet):
 * a request stopped then is refused once its connect completes, before anything is written
 * ({@link AbortableConnection}), and its connect timeout is at most the query's time left.
 */
public final class Exchange {

  private static final ThreadLocal<@Nullable Exchange> CURRENT = new ThreadLocal<>();

  private final BooleanSupplier stopped;
  private @Nullable HttpURLConnection connection;
  private boolean aborted;

  /** An exchange aborted only by {@link #abort()}. */
  public Exchange() {
    this(() -> false);
  }

  /**
   * An exchange that also counts as aborted once {@code stopped} says so: a query's cancellation,
   * which is set before the cancel actions (among them {@link #abort()}) run, so that a connect that
   * completes in between is refused too.
   */
  public Exchange(BooleanSupplier stopped) {
    this.stopped = stopped;
  }

  /** Whether {@link #abort()} was called or the query was stopped. */
  public boolean isAborted() {
    synchronized (this) {
      if (aborted) {
        return true;
      }
    }
    return stopped.getAsBoolean();
  }

  /** Disconnects the request in flight, if any, and refuses later ones; idempotent, never blocks on I/O. */
  public void abort() {
    HttpURLConnection inFlight;
    synchronized (this) {
      aborted = true;
      inFlight = connection;
      connection = null;
    }
    if (inFlight != null) {
      inFlight.disconnect();
    }
  }

  /** Makes this the calling thread's exchange until {@link Scope#close()}: its connections attach here. */
  Scope enter() {
    Exchange previous = CURRENT.get();
    CURRENT.set(this);
    return () -> {
      synchronized (this) {
        connection = null;
      }
      CURRENT.set(previous);
    };
  }

  private HttpURLConnection attach(HttpURLConnection opened) throws IOException {
    boolean stop = stopped.getAsBoolean();
    synchronized (this) {
      if (!aborted && !stop) {
        AbortableConnection checked = new AbortableConnection(opened, this);
        connection = checked;
        return checked;
      }
    }
    opened.disconnect();
    throw new IOException("request aborted: the query was stopped");
  }

  /** A connection factory that attaches every connection it opens to the calling thread's exchange. */
  static ConnectionFactory connections() {
    return connections(new DefaultConnectionFactory());
  }

  /** As {@link #connections()}, opening connections with {@code direct}. */
  static ConnectionFactory connections(ConnectionFactory direct) {
    return (URL url) -> {
      HttpURLConnection opened = direct.openConnection(url);
      Exchange exchange = CURRENT.get();
      return exchange == null ? opened : exchange.attach(opened);
    };
  }

  /** Leaves the exchange entered by {@link #enter()}. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
