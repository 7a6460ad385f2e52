package dev.gamehistory.loader.bigquery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.javanet.ConnectionFactory;
import com.google.api.services.bigquery.model.JobReference;
import com.google.api.services.bigquery.model.QueryRequest;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The REST calls under a stop from another thread, with connections the test controls. */
class BigQueryRestTest {

  private static final BigQuery CLIENT = BigQueryOptions.newBuilder().setHost("http://127.0.0.1:9")
      .setProjectId("test").setCredentials(NoCredentials.getInstance()).build().getService();

  /**
   * A connection that, when the response is read, is disconnected by another thread mid-read and
   * breaks as the JDK's does in that race: with an unchecked exception.
   */
  private static ConnectionFactory disconnectedMidRead(AtomicReference<Exchange> exchange) {
    return (URL url) -> new HttpURLConnection(url) {
      @Override
      public void connect() {}

      @Override
      public OutputStream getOutputStream() {
        return new ByteArrayOutputStream();
      }

      @Override
      public int getResponseCode() {
        exchange.get().abort();
        throw new NullPointerException("Cannot invoke \"sun.net.www.http.HttpClient.parseHTTP(...)\" because"
            + " \"this.http\" is null");
      }

      @Override
      public void disconnect() {}

      @Override
      public boolean usingProxy() {
        return false;
      }
    };
  }

  /** A connection that notes the timeouts it was given when it connects, then fails to connect. */
  private static ConnectionFactory refusedNotingTimeouts(List<Integer> timeouts) {
    return (URL url) -> new HttpURLConnection(url) {
      @Override
      public void connect() throws IOException {
        timeouts.add(getConnectTimeout());
        timeouts.add(getReadTimeout());
        throw new ConnectException("Connection refused");
      }

      @Override
      public void disconnect() {}

      @Override
      public boolean usingProxy() {
        return false;
      }
    };
  }

  private static JobReference job() {
    return new JobReference().setProjectId("test").setJobId("job-1");
  }

  @Test
  void getQueryResults_littleTimeLeft_connectTimeoutIsAtMostTheTimeLeft() {
    List<Integer> timeouts = new ArrayList<>();
    BigQueryRest rest = BigQueryRest.of(CLIENT, Exchange.connections(refusedNotingTimeouts(timeouts)));

    assertThatThrownBy(() -> rest.getQueryResults(job(), null, null, 300, Duration.ofMillis(300), new Exchange()))
        .isInstanceOf(ConnectException.class);
    // The client's 20 s connect timeout would outlast the query; the read waits the time left and a margin.
    assertThat(timeouts).containsExactly(300, 5_300);
  }

  @Test
  void getQueryResults_muchTimeLeft_connectTimeoutIsTheClientsAndTheReadCoversTheTimeLeft() {
    List<Integer> timeouts = new ArrayList<>();
    BigQueryRest rest = BigQueryRest.of(CLIENT, Exchange.connections(refusedNotingTimeouts(timeouts)));

    // A 360-player query with 120 s left and a 5 s wait slice: a server that ignores timeoutMs (the
    // emulator) answers when the query is done; the socket must not give up first.
    assertThatThrownBy(() -> rest.getQueryResults(job(), null, null, 5_000, Duration.ofSeconds(120), new Exchange()))
        .isInstanceOf(ConnectException.class);
    assertThat(timeouts).containsExactly(20_000, 125_000);
  }

  @Test
  void query_stoppedWhileTheJdkReadsTheAnswer_failsAsAnAbortedRequest() {
    AtomicReference<Exchange> exchange = new AtomicReference<>(new Exchange());
    BigQueryRest rest = BigQueryRest.of(CLIENT, Exchange.connections(disconnectedMidRead(exchange)));

    assertThatThrownBy(() -> rest.query(new QueryRequest().setQuery("SELECT 1"), Duration.ofSeconds(1), exchange.get()))
        .isInstanceOf(IOException.class)
        .hasMessage("request aborted: the query was stopped")
        .hasCauseInstanceOf(NullPointerException.class);
    assertThat(exchange.get().isAborted()).isTrue();
  }

  @Test
  void query_uncheckedFailureWithoutAStop_isNotTakenForOne() {
    Exchange other = new Exchange();
    AtomicReference<Exchange> aborted = new AtomicReference<>(other);
    BigQueryRest rest = BigQueryRest.of(CLIENT, Exchange.connections(disconnectedMidRead(aborted)));
    Exchange running = new Exchange();

    // The connection breaks, but this request's exchange was not stopped: the failure is not hidden.
    assertThatThrownBy(() -> rest.query(new QueryRequest().setQuery("SELECT 1"), Duration.ofSeconds(1), running))
        .isInstanceOf(NullPointerException.class);
    assertThat(running.isAborted()).isFalse();
  }
}
