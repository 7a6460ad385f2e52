package dev.gamehistory.loader.bigquery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.javanet.ConnectionFactory;
import com.google.api.services.bigquery.model.QueryRequest;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
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
