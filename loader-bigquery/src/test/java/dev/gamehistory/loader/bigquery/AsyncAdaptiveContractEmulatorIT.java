package dev.gamehistory.loader.bigquery;

import dev.gamehistory.loader.settings.Strategy;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;

/**
 * The contract suite on the emulator through {@code scripts/latency-proxy.py --async-jobs
 * --max-hold-ms 0}: BigQuery's asynchronous {@code jobs.query} on a real engine. Every
 * {@code jobs.query} is answered at once as still running, with a job id of the proxy's, so every
 * query takes the long-poll path ({@code getQueryResults} held until the job is done), adaptive
 * from chunks of 100 players, 4 at once.
 */
class AsyncAdaptiveContractEmulatorIT extends EmulatorContract {

  private static @Nullable LatencyProxy proxy;

  @Override
  Strategy strategy() {
    return Strategy.adaptive(100, 4);
  }

  @Override
  String host(BigQueryEmulator emulator) {
    return proxyFor(emulator).url();
  }

  /** The class's proxy, started on first use. */
  private static synchronized LatencyProxy proxyFor(BigQueryEmulator emulator) {
    if (proxy == null) {
      try {
        proxy = LatencyProxy.start(emulator.url(), "--async-jobs", "--max-hold-ms", "0");
      } catch (IOException e) {
        throw new IllegalStateException("could not start the latency proxy: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the latency proxy", e);
      }
    }
    return proxy;
  }

  @AfterAll
  static synchronized void stopProxy() {
    if (proxy != null) {
      proxy.close();
      proxy = null;
    }
  }
}
